// Frontier: decides which URL is fetched next, and when. Mercator-shaped:
// one FIFO queue per host and a heap of hosts ordered by the time each may
// next start a fetch (politeness delay, crawl-delay, back-off after failures
// and 429/503). It enforces the global and per-host caps on fetches in
// flight, the depth and page limits, and deduplicates on the normalized URL.
// It holds decisions only: no I/O, no threads; time comes in as arguments.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "crawler/seen_set.hpp"
#include "parsers/url.hpp"
#include "storage/page_store.hpp"

namespace crawler {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Millis = std::chrono::milliseconds;

struct FrontierLimits {
  std::size_t max_in_flight = 64;
  std::size_t max_per_host = 1;
  std::optional<std::size_t> max_pages;  // distinct URLs started, in all
  std::optional<int> max_depth;          // seeds are depth 0
  Millis min_delay{1000};                // between starts of fetches on one host
  Millis backoff_base{1000};             // first back-off of a failing host
  Millis backoff_cap{10 * 60 * 1000};    // longest back-off
};

enum class UrlKind { kPage, kSitemap };

// Held per queued URL, so kept small: the host is read off the URL when
// needed rather than stored beside it (see bench/frontier_memory).
struct FrontierUrl {
  std::string url;  // normalized
  int depth = 0;
  UrlKind kind = UrlKind::kPage;
  int attempt = 0;                                  // 0 for the first try
  std::vector<std::string> redirect_chain;          // URLs that redirected here, oldest first
  std::shared_ptr<const storage::DuePage> revisit;  // set when the page is stored already

  std::string_view host() const { return parsers::normalized_host(url); }
};

enum class AddOutcome { kQueued, kDuplicate, kTooDeep };

class Frontier {
 public:
  explicit Frontier(FrontierLimits limits, std::uint32_t seed = 1);

  /// URLs given to the frontier must be normalized (parsers::normalize_url)
  /// and already judged in scope. Depth limits do not apply to seeds.
  AddOutcome add_seed(const std::string& url);
  AddOutcome add(const std::string& url, int depth);
  /// A redirect target: same depth as the URL that redirected, chain extended.
  AddOutcome add_redirect(const std::string& url, const FrontierUrl& from);
  /// A sitemap document: scheduled like a page (same politeness), but not
  /// counted as one against the page limit.
  AddOutcome add_sitemap(const std::string& url);

  /// A URL an earlier run handled or queued: a duplicate from now on.
  void mark_seen(std::string_view url) { seen_.insert(url); }
  /// A URL an earlier run left queued: queued again at its depth.
  void resume(std::string url, int depth);
  /// A stored page due for a revisit: queued again although seen. Revisits
  /// do not count against the page limit.
  void revisit(storage::DuePage page);

  /// The next URL allowed to start at `now`, if any; in flight until done() or retry().
  std::optional<FrontierUrl> next(TimePoint now);
  /// When a waiting host may start; empty when nothing waits on time.
  std::optional<TimePoint> next_ready() const;

  /// The fetch of `url` ended and needs no retry.
  void done(const FrontierUrl& url);
  /// The fetch of `url` ended and should be tried again, not before `not_before`.
  void retry(FrontierUrl url, TimePoint not_before);

  /// The host answered: its failure streak ends.
  void host_succeeded(std::string_view host);
  /// The host failed (network error, 5xx, 429): it rests for `retry_after`
  /// when the server said so, else for an exponential back-off with jitter.
  /// Returns how long it rests.
  Millis host_failed(std::string_view host, TimePoint now,
                     std::optional<Millis> retry_after = std::nullopt);
  /// A longer gap between starts for one host (robots.txt Crawl-delay).
  void set_host_delay(std::string_view host, Millis delay);

  bool finished() const {
    return in_flight_ == 0 && (queued_ == 0 || (page_limit_reached() && retries_queued_ == 0));
  }
  std::size_t queued() const { return queued_; }
  std::size_t in_flight() const { return in_flight_; }
  std::size_t started() const { return started_; }
  bool seen(std::string_view url) const { return seen_.contains(url); }
  std::size_t seen_count() const { return seen_.size(); }
  std::size_t seen_memory_bytes() const { return seen_.memory_bytes(); }

  struct HostCounts {
    std::size_t active = 0;   // fetches in flight
    std::size_t resting = 0;  // backing off after failures
  };
  HostCounts host_counts(TimePoint now) const;

 private:
  struct Host {
    std::deque<FrontierUrl> urls;
    std::size_t in_flight = 0;
    Millis delay{0};
    TimePoint next_start{};  // earliest start allowed by the delay
    TimePoint resting_until{};
    int failures = 0;  // consecutive
    bool in_heap = false;
  };
  struct Ready {
    TimePoint at;
    std::uint64_t order;  // FIFO among equal times
    std::string host;
    bool operator>(const Ready& other) const {
      return at != other.at ? at > other.at : order > other.order;
    }
  };

  // Looked up by string_view without building a string (C++20 transparent hashing).
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };
  using HostMap = std::unordered_map<std::string, Host, NameHash, std::equal_to<>>;
  AddOutcome enqueue(FrontierUrl url);  // unless seen
  void push(FrontierUrl url);           // seen or not
  Host& host(std::string_view name);
  HostMap::iterator host_entry(std::string_view name);
  void schedule(const std::string& name, Host& host);
  HostMap::iterator release(const FrontierUrl& url);
  bool page_limit_reached() const { return limits_.max_pages && started_ >= *limits_.max_pages; }

  FrontierLimits limits_;
  SeenSet seen_;
  HostMap hosts_;
  std::priority_queue<Ready, std::vector<Ready>, std::greater<>> ready_;
  std::uint64_t order_ = 0;
  std::minstd_rand jitter_;
  std::size_t queued_ = 0;
  std::size_t retries_queued_ = 0;
  std::size_t in_flight_ = 0;
  std::size_t started_ = 0;
};

}  // namespace crawler
