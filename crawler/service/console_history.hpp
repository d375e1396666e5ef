// ConsoleHistory: the last hour of a crawl, one sample a second, for the
// console's charts. Rates are differences of the engine's counters between
// samples, so a sample costs a few numbers and no work per page. Bounded:
// 3,600 samples of a dozen numbers (about 350 KB).
#pragma once

#include <cstddef>
#include <deque>

#include "crawler/async/timer.hpp"
#include "crawler/engine/crawl_engine.hpp"

namespace crawler {

struct ConsoleSample {
  double t = 0;  // Unix seconds
  double pages_per_s = 0;
  double bytes_per_s = 0;
  double errors_per_s = 0;   // fetch and HTTP errors
  double queued = 0;         // in memory
  double queued_stored = 0;  // in the database
  bool paused = false;       // the operator paused the crawl
  double in_flight = 0;
  double hosts_active = 0;
  double hosts_waiting = 0;
  double hosts_backing_off = 0;
  double write_latency_ms = 0;
};

class ConsoleHistory {
 public:
  static constexpr std::size_t kSamples = 3600;

  /// Samples `engine` every second from now on; `engine` must outlive it.
  ConsoleHistory(uv_loop_t* loop, CrawlEngine& engine);
  ConsoleHistory(const ConsoleHistory&) = delete;
  ConsoleHistory& operator=(const ConsoleHistory&) = delete;

  /// Oldest first.
  const std::deque<ConsoleSample>& samples() const { return samples_; }
  /// Takes a sample now (the timer does this every second).
  void sample();

 private:
  CrawlEngine& engine_;
  std::deque<ConsoleSample> samples_;
  std::size_t last_pages_ = 0;
  std::size_t last_bytes_ = 0;
  std::size_t last_errors_ = 0;
  double last_t_ = 0;
  async::Timer timer_;
};

}  // namespace crawler
