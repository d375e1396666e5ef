// Metrics text: see metrics.hpp.
#include "crawler/service/metrics.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "crawler/base/json_text.hpp"

namespace crawler {

namespace {

class Exposition {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void sample(const char* name, double value, const std::string& labels = {}) {
    char number[32];
    std::snprintf(number, sizeof number, "%.17g", value);
    out_ += std::string(name) + (labels.empty() ? "" : "{" + labels + "}") + " " + number + "\n";
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string label(const char* name, const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return std::string(name) + "=\"" + escaped + "\"";
}

}  // namespace

std::string prometheus_text(const CrawlSummary& c, const CrawlEngine::Gauges& g) {
  Exposition e;
  e.family("crawler_pages_stored_total", "counter", "Page records written to the database.");
  e.sample("crawler_pages_stored_total", static_cast<double>(c.pages));
  e.family("crawler_responses_total", "counter", "HTTP responses by status class.");
  for (int k = 1; k <= 5; ++k)
    e.sample("crawler_responses_total", static_cast<double>(c.responses[k]),
             label("class", std::to_string(k) + "xx"));
  e.family("crawler_fetch_errors_total", "counter", "Fetches without an HTTP response, by kind.");
  for (const auto& [kind, count] : c.errors)
    e.sample("crawler_fetch_errors_total", static_cast<double>(count), label("kind", kind));
  e.family("crawler_bytes_total", "counter", "Body bytes received.");
  e.sample("crawler_bytes_total", static_cast<double>(c.bytes));
  e.family("crawler_retries_total", "counter", "Fetches tried again after a transient failure.");
  e.sample("crawler_retries_total", static_cast<double>(c.retries));
  e.family("crawler_robots_total", "counter", "Pages robots.txt kept from being fetched.");
  e.sample("crawler_robots_total", static_cast<double>(c.robots_denied),
           label("outcome", "denied"));
  e.sample("crawler_robots_total", static_cast<double>(c.robots_unreachable),
           label("outcome", "unreachable"));
  e.family("crawler_urls_skipped_total", "counter", "Links not queued, by reason.");
  for (const auto& [reason, count] : c.skipped)
    e.sample("crawler_urls_skipped_total", static_cast<double>(count), label("reason", reason));
  e.family("crawler_write_failures_total", "counter", "Page records the database refused.");
  e.sample("crawler_write_failures_total", static_cast<double>(c.write_failures));
  e.family("crawler_fenced_total", "counter",
           "Pages not stored: another crawler of the fleet took their host over.");
  e.sample("crawler_fenced_total", static_cast<double>(c.fenced));
  e.family("crawler_write_batches_total", "counter", "Write transactions committed or tried.");
  e.sample("crawler_write_batches_total", static_cast<double>(c.write_batches));
  e.family("crawler_write_seconds_total", "counter", "Time spent in write batches.");
  e.sample("crawler_write_seconds_total", c.write_seconds);
  e.family("crawler_write_batch_last_seconds", "gauge", "Duration of the last write batch.");
  e.sample("crawler_write_batch_last_seconds", g.last_batch_seconds);
  e.family("crawler_frontier_queued", "gauge", "URLs waiting to be fetched, held in memory.");
  e.sample("crawler_frontier_queued", static_cast<double>(g.queued));
  e.family("crawler_frontier_spilled", "gauge",
           "1 while more queued URLs wait in the database than memory holds.");
  e.sample("crawler_frontier_spilled", g.spilled ? 1 : 0);
  e.family("crawler_frontier_refills_total", "counter",
           "Reads of queued URLs back from the database.");
  e.sample("crawler_frontier_refills_total", static_cast<double>(c.refills));
  e.family("crawler_frontier_hosts", "gauge", "Hosts the frontier holds in memory.");
  e.sample("crawler_frontier_hosts", static_cast<double>(g.hosts_in_memory));
  e.family("crawler_seen_bytes", "gauge", "Memory of the test of whether a URL was seen.");
  e.sample("crawler_seen_bytes", static_cast<double>(g.seen_bytes));
  e.family("crawler_seen_exact", "gauge",
           "1 while that test is exact; 0 once a filter whose doubts the database settles.");
  e.sample("crawler_seen_exact", g.seen_exact ? 1 : 0);
  e.family("crawler_in_flight", "gauge", "Fetches in flight.");
  e.sample("crawler_in_flight", static_cast<double>(g.in_flight));
  e.family("crawler_hosts", "gauge",
           "Origins fetching now (active), backing off after failures (resting), and waiting "
           "out their politeness delay (waiting).");
  e.sample("crawler_hosts", static_cast<double>(g.hosts_active), label("state", "active"));
  e.sample("crawler_hosts", static_cast<double>(g.hosts_resting), label("state", "resting"));
  e.sample("crawler_hosts", static_cast<double>(g.hosts_waiting), label("state", "waiting"));
  e.family("crawler_write_backlog", "gauge", "Page records waiting for the writer.");
  e.sample("crawler_write_backlog", static_cast<double>(g.write_backlog));
  e.family("crawler_uptime_seconds", "gauge", "Seconds since the crawl started.");
  e.sample("crawler_uptime_seconds", g.uptime_seconds);
  return e.take();
}

std::string status_json(const CrawlSummary& c, const CrawlEngine::Gauges& g) {
  auto number = [](double v) { return format_json_number(v); };
  std::string skipped = "{";
  for (const auto& [reason, count] : c.skipped)
    skipped += (skipped.size() > 1 ? "," : "") + json_string(reason) + ":" + std::to_string(count);
  skipped += "}";
  // Origins whose robots.txt is to be asked again: what the crawl waits for.
  std::string waiting = "[";
  auto now = Clock::now();
  for (const RobotsWait& wait : g.waiting) {
    double left = std::max(0.0, std::chrono::duration<double>(wait.retry_at - now).count());
    waiting += (waiting.size() > 1 ? "," : "") + std::string("{\"origin\":") +
               json_string(wait.origin) +
               ",\"reason\":" + json_string("robots.txt unreachable: " + wait.detail) +
               ",\"attempts\":" + std::to_string(wait.attempts) +
               ",\"retry_in_seconds\":" + number(left) + "}";
  }
  waiting += "]";
  return "{\"pages\":" + std::to_string(c.pages) +
         ",\"fetch_errors\":" + std::to_string(c.fetch_errors) +
         ",\"http_errors\":" + std::to_string(c.http_errors) +
         ",\"retries\":" + std::to_string(c.retries) +
         ",\"robots_denied\":" + std::to_string(c.robots_denied) +
         ",\"queued\":" + std::to_string(g.queued) +
         ",\"spilled\":" + (g.spilled ? "true" : "false") +
         ",\"in_flight\":" + std::to_string(g.in_flight) +
         ",\"hosts_active\":" + std::to_string(g.hosts_active) +
         ",\"hosts_resting\":" + std::to_string(g.hosts_resting) +
         ",\"write_backlog\":" + std::to_string(g.write_backlog) + ",\"skipped\":" + skipped +
         ",\"waiting\":" + waiting + ",\"waiting_origins\":" + std::to_string(g.waiting_origins) +
         ",\"uptime_seconds\":" + number(g.uptime_seconds) +
         ",\"pages_per_second\":" + number(g.uptime_seconds > 0 ? c.pages / g.uptime_seconds : 0) +
         "}\n";
}

}  // namespace crawler
