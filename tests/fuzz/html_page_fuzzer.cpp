// Fuzzes HTML extraction (gumbo, links, title, text, meta robots) with
// small limits, so the caps are exercised too.
#include <cstdint>
#include <cstdlib>

#include "parsers/html_page.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace crawler::parsers;
  std::string_view html(reinterpret_cast<const char*>(data), size);
  HtmlLimits limits;
  limits.max_links = 16;
  limits.max_url_length = 256;
  limits.max_text_bytes = 1024;
  HtmlPage page = parse_html_page(html, "http://example.com/dir/page.html", "crawler", limits);
  if (page.links.size() > limits.max_links || page.text.size() > limits.max_text_bytes)
    std::abort();
  for (const auto& link : page.links)
    if (link.url.size() > limits.max_url_length) std::abort();
  looks_binary(html);
  return 0;
}
