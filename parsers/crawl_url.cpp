// CrawlUrl: see crawl_url.hpp. The offsets come from url.cpp's slicers
// (normalized_origin, normalized_host), so there is one way to cut a key.
#include "parsers/crawl_url.hpp"

#include <utility>

#include "parsers/url.hpp"

namespace crawler::parsers {

CrawlUrl CrawlUrl::from_key(std::string key) {
  CrawlUrl url;
  url.text_ = std::move(key);
  std::string_view text = url.text_;
  std::string_view origin = normalized_origin(text);
  std::string_view host = normalized_host(text);
  url.origin_end_ = static_cast<std::uint32_t>(origin.size());
  if (!host.empty()) {
    auto begin = static_cast<std::size_t>(host.data() - text.data());
    url.host_begin_ = static_cast<std::uint32_t>(begin);
    url.host_end_ = static_cast<std::uint32_t>(begin + host.size());
  }
  return url;
}

std::optional<CrawlUrl> CrawlUrl::normalize(std::string_view url) {
  auto key = normalize_url(url);
  if (!key) return std::nullopt;
  return from_key(std::move(*key));
}

std::optional<CrawlUrl> CrawlUrl::resolve(std::string_view base, std::string_view href) {
  auto key = resolve_url(base, href);
  if (!key) return std::nullopt;
  return from_key(std::move(*key));
}

std::string CrawlUrl::release() && {
  std::string text = std::move(text_);
  *this = CrawlUrl();
  return text;
}

}  // namespace crawler::parsers
