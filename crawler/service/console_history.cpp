// ConsoleHistory: see console_history.hpp.
#include "crawler/service/console_history.hpp"

#include <limits>

#include "crawler/base/unix_time.hpp"

namespace crawler {

ConsoleHistory::ConsoleHistory(uv_loop_t* loop, CrawlEngine& engine)
    : engine_(engine),
      last_t_(static_cast<double>(unix_ms_now()) / 1000),
      timer_(loop, [this] { sample(); }) {
  timer_.start(std::chrono::seconds(1), std::chrono::seconds(1));
  timer_.unref();  // the crawl's end, not the console, ends the loop
}

void ConsoleHistory::sample() {
  const CrawlSummary& c = engine_.counters();
  CrawlEngine::Gauges g = engine_.gauges();
  double t = static_cast<double>(unix_ms_now()) / 1000;
  double span = t - last_t_ > 0.001 ? t - last_t_ : 0.001;
  std::size_t errors = c.fetch_errors + c.http_errors;
  ConsoleSample s;
  s.t = t;
  s.pages_per_s = static_cast<double>(c.pages - last_pages_) / span;
  s.bytes_per_s = static_cast<double>(c.bytes - last_bytes_) / span;
  s.errors_per_s = static_cast<double>(errors - last_errors_) / span;
  s.queued = static_cast<double>(g.queued);
  // Unknown: NaN, which the API sends as null (a gap in the chart, not a 0).
  s.queued_stored = g.queued_stored ? static_cast<double>(*g.queued_stored)
                                    : std::numeric_limits<double>::quiet_NaN();
  s.paused = engine_.paused();
  s.in_flight = static_cast<double>(g.in_flight);
  s.hosts_active = static_cast<double>(g.hosts_active);
  s.hosts_waiting = static_cast<double>(g.hosts_waiting);
  s.hosts_backing_off = static_cast<double>(g.hosts_resting);
  s.write_latency_ms = g.last_batch_seconds * 1000;
  last_pages_ = c.pages;
  last_bytes_ = c.bytes;
  last_errors_ = errors;
  last_t_ = t;
  if (samples_.size() >= kSamples) samples_.pop_front();
  samples_.push_back(s);
}

}  // namespace crawler
