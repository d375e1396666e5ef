// The web console's JSON answers: see console_api.hpp.
#include "crawler/service/console_api.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <variant>
#include <vector>

#include "config/seeds_file.hpp"
#include "crawler/async/request_line.hpp"
#include "crawler/base/unix_time.hpp"
#include "crawler/service/console_json.hpp"
#include "crawler/service/counter_table.hpp"
#include "parsers/crawl_url.hpp"
#include "storage/crawl_reader.hpp"

namespace crawler {

using nlohmann::json;
using namespace console_json;

namespace {

std::string iso_time(std::int64_t unix_ms) {
  std::time_t seconds = unix_ms / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// A kept response head's fields (its status line dropped).
json header_fields(std::string_view head) {
  json fields = json::array();
  for (auto [name, value] : async::parse_header_fields(head))
    fields.push_back({std::string(name), std::string(value)});
  return fields;
}

// A counter's value as the console API sends it: counts as integers,
// booleans as such, kMilliseconds converted from the field's seconds.
json value_json(const Counter& row, double number, bool is_boolean, bool known = true) {
  if (!known) return nullptr;  // the page shows "unknown"
  if (is_boolean) return number != 0;
  switch (row.unit) {
    case CounterUnit::kCount:
    case CounterUnit::kBytes:
      return static_cast<std::uint64_t>(number);
    case CounterUnit::kMilliseconds:
      return number * 1000;
    default:
      return number;
  }
}

const char* unit_name(CounterUnit unit) {
  switch (unit) {
    case CounterUnit::kBytes:
      return "bytes";
    case CounterUnit::kSeconds:
      return "seconds";
    case CounterUnit::kMilliseconds:
      return "ms";
    case CounterUnit::kBoolean:
      return "boolean";
    default:
      return "count";
  }
}

// Every row of the counter table, as a list the page renders as it comes,
// and by key: scalars in "totals" or "gauges", a labelled row as an object
// of its own ("status_classes", "errors", ...).
json counters_object(const CrawlSummary& c, const CrawlEngine::Gauges& g) {
  json out = {{"counters", json::array()}, {"totals", json::object()}, {"gauges", json::object()}};
  for (const Counter& row : counter_table()) {
    CounterValue value = counter_value(row, c, g);
    std::string key(row.console_key());
    json entry = {{"key", key},
                  {"name", std::string(row.name)},
                  {"group", std::string(row.console_group())},
                  {"kind", row.kind == CounterKind::kCounter ? "counter" : "gauge"},
                  {"unit", unit_name(row.unit)},
                  {"title", std::string(row.title)},
                  {"help", std::string(row.help)},
                  {"value", value_json(row, value.number, value.is_boolean, value.known)}};
    if (row.by_label()) {
      json labels = json::object();
      for (const auto& [label, count] : value.by_label)
        labels[label] = value_json(row, count, false);
      entry["label"] = std::string(row.label);
      entry["labels"] = labels;
      out[key] = labels;
    } else {
      out[std::string(row.console_group())][key] = entry["value"];
    }
    out["counters"].push_back(std::move(entry));
  }
  return out;
}

}  // namespace

const char* state_name(CrawlEngine::State state) {
  switch (state) {
    case CrawlEngine::State::kPaused:
      return "paused";
    case CrawlEngine::State::kIdle:
      return "idle";
    case CrawlEngine::State::kDone:
      return "done";
    case CrawlEngine::State::kStopping:
      return "stopping";
    default:
      return "running";
  }
}

std::string error_json(std::string_view message) {
  return dump(json{{"error", std::string(message)}});
}

std::string counters_json(const CrawlSummary& counters, const CrawlEngine::Gauges& gauges) {
  return dump(counters_object(counters, gauges));
}

std::string overview_json(CrawlEngine& engine, const ConsoleHistory& history,
                          std::optional<double> since) {
  const CrawlSummary& c = engine.counters();
  CrawlEngine::Gauges g = engine.gauges();
  json series = {{"t", json::array()},
                 {"pages_per_s", json::array()},
                 {"bytes_per_s", json::array()},
                 {"errors_per_s", json::array()},
                 {"queued", json::array()},
                 {"queued_stored", json::array()},
                 {"paused", json::array()},
                 {"in_flight", json::array()},
                 {"hosts_active", json::array()},
                 {"hosts_resting", json::array()},
                 {"hosts_backing_off", json::array()},
                 {"write_latency_ms", json::array()}};
  for (const ConsoleSample& s : history.samples()) {
    if (since && s.t <= *since) continue;
    series["t"].push_back(s.t);
    series["pages_per_s"].push_back(s.pages_per_s);
    series["bytes_per_s"].push_back(s.bytes_per_s);
    series["errors_per_s"].push_back(s.errors_per_s);
    series["queued"].push_back(s.queued);
    series["queued_stored"].push_back(s.queued_stored);
    series["paused"].push_back(s.paused);
    series["in_flight"].push_back(s.in_flight);
    series["hosts_active"].push_back(s.hosts_active);
    series["hosts_resting"].push_back(s.hosts_waiting);
    series["hosts_backing_off"].push_back(s.hosts_backing_off);
    series["write_latency_ms"].push_back(s.write_latency_ms);
  }
  TimePoint now = Clock::now();
  CrawlEngine::State state = engine.state(now);
  json next = nullptr;
  if (state == CrawlEngine::State::kIdle)
    if (auto due = engine.next_due()) next = unix_seconds(*due);
  json progress = nullptr;
  if (auto p = engine.progress())
    progress = {{"stored", p->stored}, {"bound", p->bound}, {"fleet", p->fleet}};
  json out = {
      {"now", unix_seconds_now()}, {"state", state_name(state)}, {"next_due", next},
      {"paused", engine.paused()}, {"progress", progress},       {"series", series},
  };
  out.update(counters_object(c, g));
  return dump(out);
}

std::optional<std::string> hosts_json(const CrawlEngine& engine, std::string_view sort,
                                      std::size_t limit) {
  std::vector<CrawlEngine::OriginStatus> origins = engine.origins();
  auto fetched = [](const CrawlEngine::OriginStatus& o) { return o.tally ? o.tally->fetched : 0; };
  auto errors = [](const CrawlEngine::OriginStatus& o) { return o.tally ? o.tally->errors : 0; };
  auto mean_ms = [](const CrawlEngine::OriginStatus& o) {
    return o.tally && o.tally->fetched ? o.tally->total_ms / o.tally->fetched : 0.0;
  };
  using O = CrawlEngine::OriginStatus;
  std::function<bool(const O&, const O&)> before;
  if (sort == "queued") {
    before = [](const O& a, const O& b) { return a.frontier.queued > b.frontier.queued; };
  } else if (sort == "fetched") {
    before = [&](const O& a, const O& b) { return fetched(a) > fetched(b); };
  } else if (sort == "errors") {
    before = [&](const O& a, const O& b) { return errors(a) > errors(b); };
  } else if (sort == "mean_ms") {
    before = [&](const O& a, const O& b) { return mean_ms(a) > mean_ms(b); };
  } else if (sort == "origin") {
    before = [](const O& a, const O& b) { return a.frontier.origin < b.frontier.origin; };
  } else {
    return std::nullopt;
  }
  std::size_t shown = std::min(limit, origins.size());
  std::partial_sort(origins.begin(), origins.begin() + static_cast<std::ptrdiff_t>(shown),
                    origins.end(), [&](const O& a, const O& b) {
                      if (before(a, b)) return true;
                      if (before(b, a)) return false;
                      return a.frontier.origin < b.frontier.origin;  // stable for the eye
                    });
  json hosts = json::array();
  TimePoint now = Clock::now();
  for (std::size_t i = 0; i < shown; ++i) {
    const O& o = origins[i];
    json last_fetch = nullptr;
    if (o.tally && o.tally->last_fetch_ms > 0)
      last_fetch = static_cast<double>(o.tally->last_fetch_ms) / 1000;
    json next_fetch =
        o.frontier.queued > 0 ? unix_seconds(std::max(o.frontier.next_start, now)) : json(nullptr);
    json backoff =
        o.frontier.resting_until > now ? unix_seconds(o.frontier.resting_until) : json(nullptr);
    hosts.push_back({{"origin", std::string(o.frontier.origin)},
                     {"queued", o.frontier.queued},
                     {"spilled", o.frontier.spilled},
                     {"in_flight", o.frontier.in_flight},
                     {"fetched", fetched(o)},
                     {"errors", errors(o)},
                     {"mean_ms", mean_ms(o)},
                     {"last_fetch", last_fetch},
                     {"next_fetch", next_fetch},
                     {"robots", std::string(o.robots)},
                     {"backoff_until", backoff},
                     {"order", order_object(engine, std::string(o.frontier.origin))}});
  }
  return dump(json{{"now", unix_seconds_now()}, {"hosts", hosts}, {"total", origins.size()}});
}

std::string errors_json(CrawlEngine& engine, std::size_t examples) {
  struct Kind {
    std::size_t count = 0;
    json examples = json::array();
  };
  // Each kind's count is the counter table's ("failed": every page record
  // with an error since the start), as the overview, /metrics and `crawler
  // stats` count it; the examples come from the bounded log of recent ones.
  std::map<std::string, Kind> kinds;
  for (const auto& [error, count] : engine.counters().failed) kinds[error].count = count;
  const auto& failures = engine.fetch_log().failures();
  for (auto failure = failures.rbegin(); failure != failures.rend(); ++failure) {
    Kind& kind = kinds[failure->kind];
    if (kind.examples.size() < examples)
      kind.examples.push_back({{"url", failure->url},
                               {"detail", failure->detail},
                               {"at", static_cast<double>(failure->at_ms) / 1000}});
  }
  json out_kinds = json::array();
  for (auto& [name, kind] : kinds)
    out_kinds.push_back({{"kind", name}, {"count", kind.count}, {"examples", kind.examples}});
  std::stable_sort(out_kinds.begin(), out_kinds.end(),
                   [](const json& a, const json& b) { return a["count"] > b["count"]; });
  // Skips by reason, each with its newest examples (the skip log keeps a few).
  json skipped = json::array();
  const auto& skip_examples = engine.skips().examples();
  for (const auto& [reason, count] : engine.counters().skipped) {
    json shown = json::array();
    if (auto found = skip_examples.find(reason); found != skip_examples.end())
      for (auto skip = found->second.rbegin();
           skip != found->second.rend() && shown.size() < examples; ++skip)
        shown.push_back({{"url", skip->url},
                         {"depth", skip->depth},
                         {"at", static_cast<double>(skip->at_ms) / 1000}});
    skipped.push_back({{"reason", reason}, {"count", count}, {"examples", shown}});
  }
  return dump(json{{"kinds", out_kinds}, {"skipped", skipped}});
}

std::string config_json(const std::vector<config::OptionSource>& options,
                        const std::string& database) {
  json out = json::array();
  for (const config::OptionSource& option : options) {
    std::string value = option.value;
    bool secret = option.key == "serve.console_token";
    if (secret && !value.empty()) value = "\"***\"";
    if (option.key == "database") value = config::quote(database);
    out.push_back(
        {{"key", option.key}, {"value", value}, {"source", option.source}, {"secret", secret}});
  }
  return dump(json{{"options", out}});
}

std::string seeds_json(const storage::CrawlReader& reader, int limit) {
  auto none = [](const storage::QueryColumns&) {};
  json seeds = json::array();
  auto cell = [](const storage::Cell& c) -> json {
    if (auto* s = std::get_if<std::string>(&c)) return *s;
    if (auto* n = std::get_if<std::int64_t>(&c)) return *n;
    return nullptr;
  };
  reader.run_query(
      "SELECT url, state, last_error, fetched_at FROM url_states WHERE source = 'seed'"
      " ORDER BY url LIMIT " +
          std::to_string(limit),
      none, [&](const std::vector<storage::Cell>& row) {
        seeds.push_back({{"url", cell(row[0])},
                         {"state", cell(row[1])},
                         {"last_error", cell(row[2])},
                         {"fetched_at", cell(row[3])}});
      });
  json total = 0;
  reader.run_query("SELECT count(*) FROM urls WHERE source = 'seed'", none,
                   [&](const std::vector<storage::Cell>& row) { total = cell(row[0]); });
  return dump(json{{"seeds", seeds}, {"total", total}});
}

std::string add_seeds_json(CrawlEngine& engine, std::string_view body) {
  config::SeedList seeds = config::parse_seed_text(body, "the console's seeds");
  std::vector<std::string> added =
      seeds.urls.empty() ? std::vector<std::string>{} : engine.add_seeds(seeds.urls);
  json rejected = json::array();
  for (const auto& r : seeds.rejected)
    rejected.push_back({{"line", r.line}, {"input", r.input}, {"reason", "not an http(s) URL"}});
  return dump(json{{"added", added.size()},
                   {"known", seeds.urls.size() - added.size()},
                   {"rejected", rejected}});
}

std::string search_json(const storage::CrawlReader& reader, const std::string& query, int limit) {
  json hits = json::array();
  // Control characters mark matches: unlike brackets, page text hardly ever holds them.
  for (const auto& hit : reader.search(query, limit, std::nullopt, "\x02", "\x03"))
    hits.push_back(
        {{"url", hit.url}, {"title", hit.title}, {"snippet", hit.snippet}, {"rank", hit.rank}});
  return dump(json{{"hits", hits}});
}

std::optional<std::string> page_json(const storage::CrawlReader& reader, const std::string& url) {
  constexpr int kMaxLinks = 200;
  auto view = reader.page_view(url, kMaxLinks);
  if (!view) return std::nullopt;
  const storage::ExportedPage& p = view->page;
  auto or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  return dump(json{
      {"url", p.url},
      {"final_url", or_null(p.final_url)},
      {"status", p.status ? json(p.status) : json(nullptr)},
      {"content_type", or_null(p.content_type)},
      {"fetched_at", p.fetched_at},
      {"next_revisit", view->next_visit_ms ? json(iso_time(*view->next_visit_ms)) : json(nullptr)},
      {"error", or_null(p.error)},
      {"error_detail", or_null(view->error_detail)},
      {"bytes", p.bytes},
      {"duration_ms", p.duration_ms},
      {"depth", p.depth},
      {"title", p.title},
      {"text", p.text},
      {"headers", view->head ? header_fields(*view->head) : json(nullptr)},
      {"redirects", view->redirects},
      {"links_out", view->links_out},
      {"links_out_total", view->links_out_total},
      {"links_in", view->links_in},
      {"links_in_total", view->links_in_total},
  });
}

}  // namespace crawler
