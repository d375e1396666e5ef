// ProgressReporter: tells a person watching what the crawl is doing. On a
// terminal it keeps one status line up to date every second, led by a
// progress bar when the crawl is bounded (--max-pages); otherwise
// (or when logs are JSON) it writes an info log line every 30 seconds.
// "queued" counts the URLs held in memory; "+" (or spilled=1) says that
// more wait in the database; "waiting" names an origin whose robots.txt is
// to be asked again, and when. It only reads the
// engine's counters, on the loop thread.
#pragma once

#include <uv.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "crawler/async/timer.hpp"
#include "crawler/engine/crawl_engine.hpp"

namespace crawler {

/// What the crawl waits for besides fetches (an origin's robots.txt to be
/// asked again), as the progress line says it; empty when nothing waits.
std::string waiting_text(const CrawlEngine::Gauges& gauges);

class ProgressReporter {
 public:
  ProgressReporter(uv_loop_t* loop, CrawlEngine& engine,
                   std::optional<std::size_t> max_pages = std::nullopt);
  /// For tests: report to `out` every `every` milliseconds, as a log line.
  ProgressReporter(uv_loop_t* loop, CrawlEngine& engine, FILE* out, std::uint64_t every);
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;
  ~ProgressReporter();

 private:
  static bool on_terminal();
  void report();

  CrawlEngine& engine_;
  FILE* out_;
  bool terminal_;
  std::optional<std::size_t> max_pages_;
  std::size_t last_pages_ = 0;
  double last_seconds_ = 0;
  async::Timer timer_;
};

}  // namespace crawler
