// Fuzzes the sitemap reader (XML urlsets and indexes, gzip, plain text)
// with a small entry cap, which it must respect.
#include <cstdint>
#include <cstdlib>

#include "parsers/sitemap.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace crawler::parsers;
  SitemapLimits limits;
  limits.max_entries = 64;
  limits.max_bytes = 1 << 20;
  Sitemap sitemap =
      parse_sitemap(std::string_view(reinterpret_cast<const char*>(data), size), limits);
  if (sitemap.entries.size() > limits.max_entries) std::abort();
  return 0;
}
