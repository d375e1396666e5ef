// ProgressReporter: see progress.hpp.
#include "crawler/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace crawler {

ProgressReporter::ProgressReporter(uv_loop_t* loop, CrawlEngine& engine)
    : ProgressReporter(loop, engine, stderr, ::isatty(STDERR_FILENO) == 1 ? 1000 : 30'000) {
  terminal_ = ::isatty(STDERR_FILENO) == 1;
}

ProgressReporter::ProgressReporter(uv_loop_t* loop, CrawlEngine& engine, FILE* out,
                                   std::uint64_t every)
    : engine_(engine),
      out_(out),
      terminal_(false),
      timer_(async::UvHandle<uv_timer_t>::open(
          [loop](uv_timer_t* t) { return uv_timer_init(loop, t); })) {
  timer_.get()->data = this;
  uv_timer_start(timer_.get(), &ProgressReporter::on_tick, every, every);
  // The status line must not keep the loop alive on its own.
  uv_unref(timer_.base());
}

ProgressReporter::~ProgressReporter() {
  if (terminal_) std::fputs("\r\033[K", out_);  // leave the terminal clean for the summary
}

void ProgressReporter::on_tick(uv_timer_t* timer) noexcept {
  static_cast<ProgressReporter*>(timer->data)->report();
}

void ProgressReporter::report() {
  const CrawlSummary& counters = engine_.counters();
  CrawlEngine::Gauges gauges = engine_.gauges();
  double interval = gauges.uptime_seconds - last_seconds_;
  double rate = interval > 0 ? (counters.pages - last_pages_) / interval : 0;
  last_pages_ = counters.pages;
  last_seconds_ = gauges.uptime_seconds;
  std::fprintf(out_, "%spages=%zu pages_per_second=%.1f queued=%zu in_flight=%zu errors=%zu%s",
               terminal_ ? "\r\033[K" : "crawler: progress ", counters.pages, rate, gauges.queued,
               gauges.in_flight, counters.fetch_errors + counters.http_errors,
               terminal_ ? "" : "\n");
  std::fflush(out_);
}

}  // namespace crawler
