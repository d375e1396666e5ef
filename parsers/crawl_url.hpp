// CrawlUrl: a crawl key (see url.hpp) with its origin and host found once,
// when the URL is made (on the parse pool for links), so the crawl's hot
// path reads them as views instead of slicing the string again at each stop.
// It holds only crawl keys: every way to make one normalizes, or takes text
// that normalize_url or resolve_url produced. Small on purpose (the frontier
// holds one per queued URL): the text and two offsets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crawler::parsers {

class CrawlUrl {
 public:
  /// Empty: no text, origin or host.
  CrawlUrl() = default;

  /// `key` must be a crawl key (normalize_url or resolve_url made it, or it
  /// was stored from one); its origin and host are found without re-parsing.
  static CrawlUrl from_key(std::string key);
  /// normalize_url, as a CrawlUrl; empty when it is not a valid http(s) URL.
  static std::optional<CrawlUrl> normalize(std::string_view url);
  /// resolve_url, as a CrawlUrl; empty when it does not resolve to http(s).
  static std::optional<CrawlUrl> resolve(std::string_view base, std::string_view href);

  /// The normalized URL.
  const std::string& text() const { return text_; }
  /// "scheme://host[:port]", as normalized_origin gives it.
  std::string_view origin() const { return std::string_view(text_).substr(0, origin_end_); }
  /// The host (IPv6 in brackets), without port, as normalized_host gives it.
  std::string_view host() const {
    return std::string_view(text_).substr(host_begin_, host_end_ - host_begin_);
  }
  bool empty() const { return text_.empty(); }
  /// Gives the text away, leaving this empty.
  std::string release() &&;

  friend bool operator==(const CrawlUrl& a, const CrawlUrl& b) { return a.text_ == b.text_; }

 private:
  std::string text_;
  // Offsets into text_: the origin is [0, origin_end_), the host
  // [host_begin_, host_end_). A URL longer than 4 GiB is not a crawl key.
  std::uint32_t origin_end_ = 0;
  std::uint32_t host_begin_ = 0;
  std::uint32_t host_end_ = 0;
};

}  // namespace crawler::parsers
