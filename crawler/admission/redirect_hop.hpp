// One redirect judged the same way for every request kind (page, sitemap,
// robots.txt): where its Location points, and whether the chain so far
// allows following it. What may be fetched there is the caller's own
// admission (the queue's for pages and sitemaps, the gate's for robots.txt).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "parsers/crawl_url.hpp"

namespace crawler {

enum class HopVerdict {
  kFollow,       // a new URL within the limit
  kBadLocation,  // not an http(s) URL (an empty one is the URL itself: a loop)
  kLoop,         // back to a URL of the chain, or to itself
  kTooMany,      // the chain already has max_hops redirects
};

struct RedirectHop {
  HopVerdict verdict = HopVerdict::kBadLocation;
  std::optional<parsers::CrawlUrl> target;  // empty only for kBadLocation
};

/// `from` redirected to `location`; `chain` holds the URLs that redirected
/// to `from`, oldest first.
RedirectHop judge_redirect(std::string_view from, std::string_view location,
                           std::span<const std::string> chain, std::size_t max_hops);

}  // namespace crawler
