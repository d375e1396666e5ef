// ProgressReporter: see progress.hpp.
#include "crawler/service/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "crawler/base/json_text.hpp"
#include "crawler/base/log.hpp"
#include "crawler/service/progress_bar.hpp"

namespace crawler {

ProgressReporter::ProgressReporter(uv_loop_t* loop, CrawlEngine& engine,
                                   std::optional<std::size_t> max_pages)
    : ProgressReporter(loop, engine, log::settings().out, on_terminal() ? 1000 : 30'000) {
  terminal_ = on_terminal();
  max_pages_ = max_pages;
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

// What the crawl waits for besides fetches, in words: the origin whose
// robots.txt is retried soonest, why, and when; empty when nothing waits.
std::string waiting_text(const CrawlEngine::Gauges& gauges) {
  if (gauges.waiting.empty()) return {};
  const RobotsWait& first = gauges.waiting.front();
  auto left = std::chrono::ceil<std::chrono::seconds>(first.retry_at - Clock::now()).count();
  std::string text = "robots.txt of " + first.origin + " (" + first.detail + "), attempt " +
                     std::to_string(first.attempts) + ", again in " +
                     std::to_string(std::max<std::int64_t>(0, left)) + " s";
  if (gauges.waiting_origins > 1)
    text += " and " + std::to_string(gauges.waiting_origins - 1) + " more origin(s)";
  return text;
}

void ProgressReporter::report() {
  const CrawlSummary& counters = engine_.counters();
  CrawlEngine::Gauges gauges = engine_.gauges();
  double interval = gauges.uptime_seconds - last_seconds_;
  double rate = interval > 0 ? (counters.pages - last_pages_) / interval : 0;
  last_pages_ = counters.pages;
  last_seconds_ = gauges.uptime_seconds;
  std::size_t errors = counters.fetch_errors + counters.http_errors;
  std::string waiting = waiting_text(gauges);
  if (terminal_) {
    // A bounded crawl shows how far it is; pages started count toward the
    // bound, so the bar follows the pages written.
    std::string bar;
    if (max_pages_) {
      double left = rate > 0 && *max_pages_ > counters.pages
                        ? static_cast<double>(*max_pages_ - counters.pages) / rate
                        : -1;
      bar = progress_bar(counters.pages, *max_pages_) + " eta " + eta_text(left) + " ";
    }
    std::fprintf(
        out_, "\r\033[K%spages=%zu pages_per_second=%.1f queued=%zu%s in_flight=%zu errors=%zu%s%s",
        bar.c_str(), counters.pages, rate, gauges.queued, gauges.spilled ? "+" : "",
        gauges.in_flight, errors, waiting.empty() ? "" : " waiting: ", waiting.c_str());
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
    if (!waiting.empty()) {
      // One more field, quoted (a JSON string in either format).
      line.insert(line.size() - (log::settings().json ? 2 : 1),
                  (log::settings().json ? ",\"waiting\":" : " waiting=") + json_string(waiting));
    }
    std::fputs(line.c_str(), out_);
  }
  std::fflush(out_);
}

}  // namespace crawler
