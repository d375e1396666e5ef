// Fuzzes URL parsing and resolution: input is "base\nhref". A crawl key is
// a fixed point: normalizing it again gives itself, and its host and origin
// are slices of it, the ones CrawlUrl carries.
#include <cstdint>
#include <cstdlib>

#include "parsers/crawl_url.hpp"
#include "parsers/url.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void check_key(const std::optional<std::string>& key) {
  if (!key) return;
  using namespace crawler::parsers;
  require(normalize_url(*key) == key);
  require(key->starts_with(normalized_origin(*key)));
  require(normalized_origin(*key).find(normalized_host(*key)) != std::string_view::npos);
  CrawlUrl url = CrawlUrl::from_key(*key);
  require(url.origin() == normalized_origin(*key) && url.host() == normalized_host(*key));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace crawler::parsers;
  crawler::fuzz::FuzzInput input(data, size);
  std::string_view base = input.field();
  std::string_view href = input.rest();
  check_key(normalize_url(base));
  check_key(resolve_url(base, href));
  parse_url_for_display(base, href);
  parse_url_for_display(std::nullopt, href);
  url_host(href);
  return 0;
}
