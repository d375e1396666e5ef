// Frontier: decides which URL is fetched next. It deduplicates on the
// normalized URL, keeps one FIFO queue per host and a round-robin ring of
// hosts that may start a fetch, and enforces the global and per-host caps on
// fetches in flight, the depth limit, the page limit and the scope (the
// seeds' hosts). It holds decisions only: no I/O, no clock, no threads.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace crawler {

struct FrontierLimits {
  std::size_t max_in_flight = 64;
  std::size_t max_per_host = 8;
  std::optional<std::size_t> max_pages;  // fetches started, in all
  std::optional<int> max_depth;          // seeds are depth 0
};

struct FrontierUrl {
  std::string url;  // normalized
  std::string host;
  int depth = 0;
};

enum class AddOutcome { kQueued, kDuplicate, kOutOfScope, kTooDeep };

class Frontier {
 public:
  explicit Frontier(FrontierLimits limits) : limits_(limits) {}

  /// URLs given to the frontier must be normalized (parsers::normalize_url).
  /// Adds a seed: its host joins the scope. Seeds ignore the depth limit.
  AddOutcome add_seed(const std::string& url);

  /// Adds a discovered link found at `depth` - 1.
  AddOutcome add(const std::string& url, int depth);

  /// The next URL allowed to start now, if any; it counts as in flight until done().
  std::optional<FrontierUrl> next();

  /// Marks a URL returned by next() as finished.
  void done(const FrontierUrl& url);

  /// True when nothing is queued (or the page limit stops everything) and nothing is in flight.
  bool finished() const { return in_flight_ == 0 && (queued_ == 0 || page_limit_reached()); }

  std::size_t queued() const { return queued_; }
  std::size_t in_flight() const { return in_flight_; }
  std::size_t started() const { return started_; }

 private:
  struct HostQueue {
    std::deque<FrontierUrl> urls;
    std::size_t in_flight = 0;
    bool in_ring = false;
  };

  AddOutcome enqueue(FrontierUrl url);
  bool page_limit_reached() const { return limits_.max_pages && started_ >= *limits_.max_pages; }
  void ring_if_ready(HostQueue& queue, const std::string& host);

  FrontierLimits limits_;
  std::unordered_set<std::string> seen_;
  std::unordered_set<std::string> scope_hosts_;
  std::unordered_map<std::string, HostQueue> hosts_;
  std::deque<std::string> ready_hosts_;  // hosts with queued URLs and a free slot
  std::size_t queued_ = 0;
  std::size_t in_flight_ = 0;
  std::size_t started_ = 0;
};

}  // namespace crawler
