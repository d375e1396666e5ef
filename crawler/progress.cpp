// ProgressReporter: see progress.hpp.
#include "crawler/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "crawler/log.hpp"

namespace crawler {

ProgressReporter::ProgressReporter(uv_loop_t* loop, CrawlEngine& engine)
    : ProgressReporter(loop, engine, log::settings().out, on_terminal() ? 1000 : 30'000) {
  terminal_ = on_terminal();
}

// A person watching, not a log collector: a live line instead of log lines.
bool ProgressReporter::on_terminal() {
  return ::isatty(::fileno(log::settings().out)) == 1 && !log::settings().json;
}

ProgressReporter::ProgressReporter(uv_loop_t* loop, CrawlEngine& engine, FILE* out,
                                   std::uint64_t every)
    : engine_(engine), out_(out), terminal_(false), timer_(loop, [this] { report(); }) {
  timer_.start(std::chrono::milliseconds(every), std::chrono::milliseconds(every));
  // The status line must not keep the loop alive on its own.
  timer_.unref();
}

ProgressReporter::~ProgressReporter() {
  if (terminal_) std::fputs("\r\033[K", out_);  // leave the terminal clean for the summary
}

void ProgressReporter::report() {
  const CrawlSummary& counters = engine_.counters();
  CrawlEngine::Gauges gauges = engine_.gauges();
  double interval = gauges.uptime_seconds - last_seconds_;
  double rate = interval > 0 ? (counters.pages - last_pages_) / interval : 0;
  last_pages_ = counters.pages;
  last_seconds_ = gauges.uptime_seconds;
  std::size_t errors = counters.fetch_errors + counters.http_errors;
  if (terminal_) {
    std::fprintf(
        out_, "\r\033[Kpages=%zu pages_per_second=%.1f queued=%zu%s in_flight=%zu errors=%zu",
        counters.pages, rate, gauges.queued, gauges.spilled ? "+" : "", gauges.in_flight, errors);
  } else {
    if (log::settings().level > log::Level::kInfo) return;
    char per_second[32];
    std::snprintf(per_second, sizeof per_second, "%.1f", rate);
    std::string line = log::format(log::Level::kInfo, "progress",
                                   {{"pages", std::to_string(counters.pages)},
                                    {"pages_per_second", per_second},
                                    {"queued", std::to_string(gauges.queued)},
                                    {"spilled", gauges.spilled ? "1" : "0"},
                                    {"in_flight", std::to_string(gauges.in_flight)},
                                    {"errors", std::to_string(errors)}});
    std::fputs(line.c_str(), out_);
  }
  std::fflush(out_);
}

}  // namespace crawler
