// The counter table: see counter_table.hpp.
#include "crawler/service/counter_table.hpp"

#include <cstdio>
#include <type_traits>
#include <vector>

namespace crawler {

namespace {

using S = CrawlSummary;
using G = CrawlEngine::Gauges;
using K = CounterKind;
using U = CounterUnit;
using L = SummaryLine;

const std::array kCounters = {
    // What was stored.
    Counter{.name = "pages",
            .kind = K::kCounter,
            .field = &S::pages,
            .metric = "crawler_pages_stored_total",
            .help = "Page records written to the database.",
            .title = "Pages stored",
            .summary = L::kMain},
    Counter{.name = "stored_ok",
            .kind = K::kCounter,
            .field = &S::stored_ok,
            .metric = "crawler_pages_ok_total",
            .help = "Page records without an error.",
            .title = "Pages without an error",
            .summary = L::kStored,
            .summary_key = "ok"},
    Counter{.name = "failed",
            .kind = K::kCounter,
            .field = &S::failed,
            .metric = "crawler_pages_failed_total",
            .label = "error",
            .help = "Page records with an error, by error.",
            .title = "Pages with an error",
            .summary = L::kStored,
            .summary_total = true},

    // What was fetched.
    Counter{.name = "responses",
            .kind = K::kCounter,
            .field = &S::responses,
            .metric = "crawler_responses_total",
            .label = "class",
            .help = "HTTP responses by status class.",
            .title = "HTTP responses",
            .json_key = "status_classes",
            .summary = L::kResponses},
    Counter{.name = "fetch_errors",
            .kind = K::kCounter,
            .field = &S::fetch_errors,
            .metric = "crawler_fetches_failed_total",
            .help = "Fetches without an HTTP response (refused, timeout, reset, internal failure).",
            .title = "Fetch errors",
            .summary = L::kMain},
    Counter{.name = "errors",
            .kind = K::kCounter,
            .field = &S::errors,
            .metric = "crawler_fetch_errors_total",
            .label = "kind",
            .help = "Fetches without an HTTP response, by kind.",
            .title = "Fetch errors by kind",
            .summary = L::kErrors},
    Counter{.name = "http_errors",
            .kind = K::kCounter,
            .field = &S::http_errors,
            .metric = "crawler_http_errors_total",
            .help = "HTTP responses with a 4xx or 5xx status.",
            .title = "HTTP errors",
            .summary = L::kMain},
    Counter{.name = "bytes",
            .kind = K::kCounter,
            .field = &S::bytes,
            .metric = "crawler_bytes_total",
            .help = "Body bytes received.",
            .title = "Bytes",
            .unit = U::kBytes,
            .summary = L::kFetched},
    Counter{.name = "retries",
            .kind = K::kCounter,
            .field = &S::retries,
            .metric = "crawler_retries_total",
            .help = "Fetches tried again after a transient failure.",
            .title = "Retries",
            .summary = L::kMain},
    Counter{.name = "robots_denied",
            .kind = K::kCounter,
            .field = &S::robots_denied,
            .metric = "crawler_robots_total",
            .label = "outcome",
            .label_value = "denied",
            .help = "Pages robots.txt kept from being fetched: disallowed by it (denied), or given "
                    "up because it could not be read (unreachable).",
            .title = "Denied by robots.txt",
            .summary = L::kMain},
    Counter{.name = "robots_unreachable",
            .kind = K::kCounter,
            .field = &S::robots_unreachable,
            .metric = "crawler_robots_total",
            .label = "outcome",
            .label_value = "unreachable",
            .help = "Pages given up because their robots.txt could not be read.",
            .title = "Given up: robots.txt unreachable",
            .summary = L::kFetched},

    // What was queued.
    Counter{.name = "skipped",
            .kind = K::kCounter,
            .field = &S::skipped,
            .metric = "crawler_urls_skipped_total",
            .label = "reason",
            .help = "Links not queued, by reason.",
            .title = "Links skipped",
            .summary = L::kSkipped},
    Counter{.name = "sitemaps",
            .kind = K::kCounter,
            .field = &S::sitemaps,
            .metric = "crawler_sitemaps_total",
            .help = "Sitemap documents read.",
            .title = "Sitemaps read",
            .summary = L::kFetched},
    Counter{.name = "sitemap_urls",
            .kind = K::kCounter,
            .field = &S::sitemap_urls,
            .metric = "crawler_sitemap_urls_total",
            .help = "URLs sitemaps added to the frontier.",
            .title = "URLs from sitemaps",
            .summary = L::kMain},
    Counter{.name = "revisits",
            .kind = K::kCounter,
            .field = &S::revisits,
            .metric = "crawler_revisits_total",
            .help = "Stored pages fetched again.",
            .title = "Revisits",
            .summary = L::kFetched},
    Counter{.name = "revisits_changed",
            .kind = K::kCounter,
            .field = &S::revisits_changed,
            .metric = "crawler_revisits_changed_total",
            .help = "Revisited pages that had changed.",
            .title = "Revisits changed",
            .summary = L::kFetched},
    Counter{.name = "refills",
            .kind = K::kCounter,
            .field = &S::refills,
            .metric = "crawler_frontier_refills_total",
            .help = "Reads of queued URLs back from the database.",
            .title = "Frontier refills",
            .summary = L::kFetched},

    // The writer.
    Counter{.name = "write_batches",
            .kind = K::kCounter,
            .field = &S::write_batches,
            .metric = "crawler_write_batches_total",
            .help = "Write transactions committed or tried.",
            .title = "Write batches",
            .summary = L::kWrites,
            .summary_key = "batches"},
    Counter{.name = "write_seconds",
            .kind = K::kCounter,
            .field = &S::write_seconds,
            .metric = "crawler_write_seconds_total",
            .help = "Time spent in write batches.",
            .title = "Time writing",
            .unit = U::kSeconds,
            .summary = L::kWrites,
            .summary_key = "seconds"},
    Counter{.name = "write_failures",
            .kind = K::kCounter,
            .field = &S::write_failures,
            .metric = "crawler_write_failures_total",
            .help = "Page records the database refused.",
            .title = "Write failures",
            .summary = L::kWrites,
            .summary_key = "failures"},
    Counter{.name = "fenced",
            .kind = K::kCounter,
            .field = &S::fenced,
            .metric = "crawler_fenced_total",
            .help = "Pages not stored: another crawler of the fleet took their host over.",
            .title = "Fenced off",
            .summary = L::kWrites},

    // Gauges: what is true now.
    Counter{.name = "queued",
            .kind = K::kGauge,
            .field = &G::queued,
            .metric = "crawler_frontier_queued",
            .help = "URLs waiting to be fetched, held in memory.",
            .title = "Queued in memory"},
    Counter{.name = "spilled",
            .kind = K::kGauge,
            .field = &G::spilled,
            .metric = "crawler_frontier_spilled",
            .help = "1 while more queued URLs wait in the database than memory holds.",
            .title = "Spilled to the database",
            .unit = U::kBoolean},
    Counter{.name = "queued_stored",
            .kind = K::kGauge,
            .field = &G::queued_stored,
            .metric = "crawler_frontier_queued_stored",
            .help = "URLs queued in the database (those in memory among them, once written), "
                    "as the database keeps count; absent when it keeps none.",
            .title = "Queued in the database"},
    Counter{.name = "revisits_outstanding",
            .kind = K::kGauge,
            .field = &G::revisits_outstanding,
            .metric = "crawler_revisits_outstanding",
            .help = "Stored pages due for a revisit, queued or in flight.",
            .title = "Due revisits"},
    Counter{.name = "hosts_in_memory",
            .kind = K::kGauge,
            .field = &G::hosts_in_memory,
            .metric = "crawler_frontier_hosts",
            .help = "Hosts the frontier holds in memory.",
            .title = "Origins in memory"},
    Counter{.name = "seen_bytes",
            .kind = K::kGauge,
            .field = &G::seen_bytes,
            .metric = "crawler_seen_bytes",
            .help = "Memory of the test of whether a URL was seen.",
            .title = "Seen-set memory",
            .unit = U::kBytes},
    Counter{
        .name = "seen_exact",
        .kind = K::kGauge,
        .field = &G::seen_exact,
        .metric = "crawler_seen_exact",
        .help = "1 while that test is exact; 0 once a filter whose doubts the database settles.",
        .title = "Seen set exact",
        .unit = U::kBoolean},
    Counter{.name = "in_flight",
            .kind = K::kGauge,
            .field = &G::in_flight,
            .metric = "crawler_in_flight",
            .help = "Fetches in flight.",
            .title = "In flight"},
    // The console calls an origin waiting out its delay "resting" and one
    // backing off after failures "backing off"; /metrics and /status call
    // those "waiting" and "resting" (docs/console.md).
    Counter{.name = "hosts_active",
            .kind = K::kGauge,
            .field = &G::hosts_active,
            .metric = "crawler_hosts",
            .label = "state",
            .label_value = "active",
            .help = "Origins fetching now (active), backing off after failures (resting), and "
                    "waiting out their politeness delay (waiting).",
            .title = "Origins active"},
    Counter{.name = "hosts_resting",
            .kind = K::kGauge,
            .field = &G::hosts_resting,
            .metric = "crawler_hosts",
            .label = "state",
            .label_value = "resting",
            .help = "Origins backing off after failures.",
            .title = "Origins backing off",
            .json_key = "hosts_backing_off"},
    Counter{.name = "hosts_waiting",
            .kind = K::kGauge,
            .field = &G::hosts_waiting,
            .metric = "crawler_hosts",
            .label = "state",
            .label_value = "waiting",
            .help = "Origins waiting out their politeness delay.",
            .title = "Origins resting",
            .json_key = "hosts_resting"},
    Counter{.name = "waiting_origins",
            .kind = K::kGauge,
            .field = &G::waiting_origins,
            .metric = "crawler_robots_waiting_origins",
            .help = "Origins whose robots.txt could not be read and will be asked again.",
            .title = "Origins waiting for robots.txt"},
    Counter{.name = "write_backlog",
            .kind = K::kGauge,
            .field = &G::write_backlog,
            .metric = "crawler_write_backlog",
            .help = "Page records waiting for the writer.",
            .title = "Write backlog"},
    Counter{.name = "last_batch_seconds",
            .kind = K::kGauge,
            .field = &G::last_batch_seconds,
            .metric = "crawler_write_batch_last_seconds",
            .help = "Duration of the last write batch.",
            .title = "Write latency",
            .unit = U::kMilliseconds,
            .json_key = "write_latency_ms"},
    Counter{.name = "uptime_seconds",
            .kind = K::kGauge,
            .field = &G::uptime_seconds,
            .metric = "crawler_uptime_seconds",
            .help = "Seconds since the crawl started.",
            .title = "Uptime",
            .unit = U::kSeconds,
            .json_group = "totals"},
};

struct LineSpec {
  SummaryLine line;
  std::string_view prefix;  // "writes:"; the first line has none
};

constexpr std::array kSummaryLines = {
    LineSpec{L::kMain, ""},
    LineSpec{L::kFetched, "fetched:"},
    LineSpec{L::kResponses, "responses:"},
    LineSpec{L::kErrors, "errors:"},
    LineSpec{L::kWrites, "writes:"},
    LineSpec{L::kStored, "stored:"},
    LineSpec{L::kSkipped, "skipped:"},
};

std::string number_text(double value, CounterUnit unit) {
  char text[32];
  if (unit == U::kSeconds || unit == U::kMilliseconds)
    std::snprintf(text, sizeof text, "%.3f", value);
  else
    std::snprintf(text, sizeof text, "%.0f", value);
  return text;
}

}  // namespace

bool Counter::by_label() const {
  return std::holds_alternative<std::map<std::string, std::size_t> CrawlSummary::*>(field) ||
         std::holds_alternative<std::array<std::size_t, 6> CrawlSummary::*>(field);
}

std::span<const Counter> counter_table() {
  return kCounters;
}

CounterValue counter_value(const Counter& row, const CrawlSummary& counters,
                           const CrawlEngine::Gauges& gauges) {
  CounterValue value;
  std::visit(
      [&](auto member) {
        using Member = decltype(member);
        if constexpr (std::is_same_v<Member, std::size_t CrawlSummary::*> ||
                      std::is_same_v<Member, double CrawlSummary::*>) {
          value.number = static_cast<double>(counters.*member);
        } else if constexpr (std::is_same_v<Member,
                                            std::map<std::string, std::size_t> CrawlSummary::*>) {
          for (const auto& [key, count] : counters.*member) {
            value.by_label[key] = static_cast<double>(count);
            value.number += static_cast<double>(count);
          }
        } else if constexpr (std::is_same_v<Member, std::array<std::size_t, 6> CrawlSummary::*>) {
          for (int k = 1; k <= 5; ++k) {
            auto count = static_cast<double>((counters.*member)[static_cast<std::size_t>(k)]);
            value.by_label[std::to_string(k) + "xx"] = count;
            value.number += count;
          }
        } else if constexpr (std::is_same_v<Member, bool CrawlEngine::Gauges::*>) {
          value.number = (gauges.*member) ? 1 : 0;
          value.is_boolean = true;
        } else if constexpr (std::is_same_v<Member,
                                            std::optional<std::size_t> CrawlEngine::Gauges::*>) {
          value.known = (gauges.*member).has_value();
          value.number = static_cast<double>((gauges.*member).value_or(0));
        } else {
          value.number = static_cast<double>(gauges.*member);
        }
      },
      row.field);
  return value;
}

std::string summary_text(const CrawlSummary& summary) {
  const CrawlEngine::Gauges no_gauges;
  std::string out;
  for (const LineSpec& spec : kSummaryLines) {
    std::vector<std::string> words;
    for (const Counter& row : kCounters) {
      if (row.summary != spec.line) continue;
      CounterValue value = counter_value(row, summary, no_gauges);
      if (!row.by_label()) {
        words.push_back(std::string(row.summary_name()) + "=" +
                        number_text(value.number, row.unit));
        continue;
      }
      if (row.summary_total) {
        words.push_back(std::string(row.summary_name()) + "=" +
                        number_text(value.number, row.unit));
        if (!value.by_label.empty()) words.emplace_back("by kind:");
      }
      for (const auto& [key, count] : value.by_label)
        words.push_back(key + "=" + number_text(count, row.unit));
    }
    if (spec.line == L::kMain) {
      char tail[96];
      std::snprintf(tail, sizeof tail, "seconds=%.3f pages_per_second=%.1f", summary.seconds,
                    summary.pages_per_second());
      words.emplace_back(tail);
    }
    if (words.empty()) continue;
    std::string line(spec.prefix);
    for (const auto& word : words) line += (line.empty() ? "" : " ") + word;
    out += line + "\n";
  }
  return out;
}

}  // namespace crawler
