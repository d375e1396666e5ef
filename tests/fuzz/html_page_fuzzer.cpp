// Fuzzes HTML extraction as the crawler reads a body (binary check,
// decoding, the markup guard, gumbo under its CPU budget, links, title,
// text, meta robots) with small limits, so the caps are exercised too. A
// slow input is found like a crash: scripts/fuzz runs it with -timeout.
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
  limits.markup = MarkupLimits{.max_depth = 64, .max_open_formatting = 4, .max_attributes = 4};
  GuardedMarkup guarded = guard_markup(html, limits.markup);
  if (guarded.view(html).size() > html.size()) std::abort();
  HtmlPage page =
      parse_html_body(html, "text/html", "http://example.com/dir/page.html", "crawler", limits);
  if (page.links.size() > limits.max_links || page.text.size() > limits.max_text_bytes)
    std::abort();
  for (const auto& link : page.links)
    if (link.url.text().size() > limits.max_url_length) std::abort();
  return 0;
}
