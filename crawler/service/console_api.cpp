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
#include "crawler/service/counter_table.hpp"
#include "parsers/crawl_url.hpp"
#include "storage/crawl_reader.hpp"

namespace crawler {

namespace {

using nlohmann::json;

// Crawled text may hold invalid UTF-8; it is replaced, never refused.
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

double unix_seconds_now() {
  return static_cast<double>(unix_ms_now()) / 1000;
}

// A steady-clock time point as Unix seconds; null for "never" (the epoch).
json unix_seconds(TimePoint at) {
  if (at == TimePoint{}) return nullptr;
  auto offset = std::chrono::duration<double>(at - Clock::now()).count();
  return unix_seconds_now() + offset;
}

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

// The operator's order for `origin`, or null.
json order_object(const CrawlEngine& engine, const std::string& origin) {
  const storage::OriginControl* order = engine.origin_controls().find(origin);
  if (!order) return nullptr;
  return {{"paused", order->paused},
          {"blocked", order->blocked},
          {"delay_ms", order->delay_ms >= 0 ? json(order->delay_ms) : json(nullptr)},
          {"changed_at", static_cast<double>(order->changed_at_ms) / 1000}};
}

// A counter's value as the console API sends it: counts as integers,
// booleans as such, kMilliseconds converted from the field's seconds.
json value_json(const Counter& row, double number, bool is_boolean) {
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
                  {"value", value_json(row, value.number, value.is_boolean)}};
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
  json out = {
      {"now", unix_seconds_now()}, {"state", state_name(state)}, {"next_due", next},
      {"paused", engine.paused()}, {"series", series},
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

namespace {

// "2xx" for 200..299; "error" for no HTTP response.
std::string status_class_of(long status) {
  if (status < 100 || status > 599) return "error";
  return std::to_string(status / 100) + "xx";
}

// The visit's step that decided a record, by its error (the names the
// steps write) or, without one, by its status: a redirect is followed by
// the redirect step, anything else was read and stored.
const char* deciding_step(long status, const std::string& error) {
  if (error.empty()) return status >= 300 && status < 400 ? "redirect" : "store";
  if (error.starts_with("robots_")) return "robots";
  if (error == "redirect_loop" || error == "too_many_redirects" || error == "bad_redirect")
    return "redirect";
  if (error == "blocked") return "admission gate";
  if (error == "binary" || error == "parse_budget") return "html";
  if (error == "store_refused") return "store";
  if (error == "internal") return "engine";
  return "fetch";  // http_NNN, and a transfer's own errors (timeout, reset, ...)
}

json log_entry(const FetchLog::Entry& e) {
  return {{"seq", e.seq},
          {"at", static_cast<double>(e.at_ms) / 1000},
          {"origin", e.origin},
          {"url", e.url},
          {"status", e.status ? json(e.status) : json(nullptr)},
          {"class", status_class_of(e.status)},
          {"error", e.error.empty() ? json(nullptr) : json(e.error)},
          {"bytes", e.bytes},
          {"ms", e.ms},
          {"step", deciding_step(e.status, e.error)}};
}

// The newest filter.limit lines that pass, oldest first.
std::vector<const FetchLog::Entry*> log_lines(const FetchLog& log, const LogFilter& filter) {
  std::vector<const FetchLog::Entry*> lines;
  const auto& entries = log.entries();
  for (auto e = entries.rbegin(); e != entries.rend() && lines.size() < filter.limit; ++e) {
    if (e->seq <= filter.after) break;
    if (!filter.origin.empty() && e->origin != filter.origin) continue;
    if (!filter.status_class.empty() && status_class_of(e->status) != filter.status_class) continue;
    if (!filter.error.empty() && e->error != filter.error) continue;
    lines.push_back(&*e);
  }
  std::reverse(lines.begin(), lines.end());
  return lines;
}

}  // namespace

std::optional<LogFilter> log_filter(std::uint64_t after, std::string origin,
                                    std::string status_class, std::string error,
                                    std::size_t limit) {
  static constexpr std::string_view kClasses[] = {"", "1xx", "2xx", "3xx", "4xx", "5xx", "error"};
  if (std::find(std::begin(kClasses), std::end(kClasses), status_class) == std::end(kClasses))
    return std::nullopt;
  return LogFilter{after, std::move(origin), std::move(status_class), std::move(error), limit};
}

std::string log_json(const FetchLog& log, const LogFilter& filter) {
  json entries = json::array();
  for (const FetchLog::Entry* e : log_lines(log, filter)) entries.push_back(log_entry(*e));
  std::uint64_t last = log.entries().empty() ? 0 : log.entries().back().seq;
  return dump(json{{"entries", entries}, {"last", last}});
}

std::string log_json_lines(const FetchLog& log, const LogFilter& filter) {
  std::string out;
  for (const FetchLog::Entry* e : log_lines(log, filter)) {
    out += dump(log_entry(*e));
    out += '\n';
  }
  return out;
}

namespace {

// A string literal of SQL: quotes doubled. Only for the fixed read-only
// statements below (run_query takes no parameters and refuses writes).
std::string sql_literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::optional<std::string> origin_param(std::string_view text) {
  if (text.empty() || text.find('\0') != std::string_view::npos) return std::nullopt;
  auto url = parsers::CrawlUrl::normalize(std::string(text) + "/");
  if (!url || url->origin() != text) return std::nullopt;
  return std::string(text);
}

std::string origin_order_json(const CrawlEngine& engine, const std::string& origin) {
  return dump(json{{"origin", origin}, {"order", order_object(engine, origin)}});
}

std::string origin_json(const CrawlEngine& engine, const std::string& origin) {
  constexpr std::size_t kRecent = 50;
  json frontier = nullptr;
  json tally = nullptr;
  std::string robots = "unknown";
  TimePoint now = Clock::now();
  for (const CrawlEngine::OriginStatus& o : engine.origins()) {
    if (o.frontier.origin != origin) continue;
    robots = std::string(o.robots);
    frontier = {
        {"queued", o.frontier.queued},
        {"in_flight", o.frontier.in_flight},
        {"spilled", o.frontier.spilled},
        {"failures_in_a_row", o.frontier.failures},
        {"last_start", unix_seconds(o.frontier.last_start)},
        {"next_fetch", o.frontier.queued > 0 ? unix_seconds(std::max(o.frontier.next_start, now))
                                             : json(nullptr)},
        {"backoff_until",
         o.frontier.resting_until > now ? unix_seconds(o.frontier.resting_until) : json(nullptr)}};
    if (o.tally)
      tally = {{"fetched", o.tally->fetched},
               {"errors", o.tally->errors},
               {"mean_ms", o.tally->fetched ? o.tally->total_ms / o.tally->fetched : 0.0}};
  }
  json recent = json::array();
  const auto& entries = engine.fetch_log().entries();
  for (auto e = entries.rbegin(); e != entries.rend() && recent.size() < kRecent; ++e)
    if (e->origin == origin) recent.push_back(log_entry(*e));
  json failures = json::array();
  const auto& failed = engine.fetch_log().failures();
  for (auto f = failed.rbegin(); f != failed.rend() && failures.size() < kRecent; ++f)
    if (f->url.starts_with(origin) &&
        (f->url.size() == origin.size() || f->url[origin.size()] == '/'))
      failures.push_back({{"kind", f->kind},
                          {"url", f->url},
                          {"detail", f->detail},
                          {"at", static_cast<double>(f->at_ms) / 1000}});
  return dump(json{{"now", unix_seconds_now()},
                   {"origin", origin},
                   {"order", order_object(engine, origin)},
                   {"crawl_delay_ms", engine.options().delay_ms},
                   {"robots", robots},
                   {"frontier", frontier},
                   {"tally", tally},
                   {"recent", recent},
                   {"failures", failures}});
}

std::string origin_stored_json(const storage::CrawlReader& reader, const std::string& origin,
                               std::int64_t offset, int limit) {
  auto none = [](const storage::QueryColumns&) {};
  auto text = [](const storage::Cell& cell) -> json {
    if (auto* s = std::get_if<std::string>(&cell)) return *s;
    if (auto* i = std::get_if<std::int64_t>(&cell)) return *i;
    if (auto* d = std::get_if<double>(&cell)) return *d;
    return nullptr;
  };
  std::string where = " FROM urls WHERE state = 'queued' AND origin = " + sql_literal(origin);
  json queued = json::array();
  reader.run_query(
      "SELECT url, depth, source" + where + " ORDER BY id LIMIT " + std::to_string(limit) +
          " OFFSET " + std::to_string(offset),
      none, [&](const std::vector<storage::Cell>& row) {
        queued.push_back(
            {{"url", text(row[0])}, {"depth", text(row[1])}, {"source", text(row[2])}});
      });
  json total = 0;
  reader.run_query("SELECT count(*)" + where, none,
                   [&](const std::vector<storage::Cell>& row) { total = text(row[0]); });
  json robots = nullptr;
  reader.run_query(
      "SELECT status, http_status, body, fetched_at_ms FROM robots WHERE origin = " +
          sql_literal(origin),
      none, [&](const std::vector<storage::Cell>& row) {
        json at = text(row[3]);
        robots = {{"status", text(row[0])},
                  {"http_status", text(row[1])},
                  {"body", text(row[2])},
                  {"fetched_at", at.is_number() ? json(at.get<double>() / 1000) : json(nullptr)}};
      });
  return dump(json{{"origin", origin},
                   {"queued", queued},
                   {"queued_total", total},
                   {"offset", offset},
                   {"robots_txt", robots}});
}

namespace {

const char* kind_name(RequestKind kind) {
  switch (kind) {
    case RequestKind::kRobots:
      return "robots";
    case RequestKind::kSitemap:
      return "sitemap";
    default:
      return "page";
  }
}

}  // namespace

std::string url_json(const CrawlEngine& engine, const std::string& url) {
  std::string key = url;
  if (auto normal = parsers::CrawlUrl::normalize(url)) key = normal->text();
  json skip = nullptr;
  const SkipLog::Skip* found = engine.skips().find(key);
  if (found)
    skip = {{"step", "queue admission"},
            {"reason", std::string(to_string(found->reason))},
            {"kind", kind_name(found->kind)},
            {"depth", found->depth},
            {"at", static_cast<double>(found->at_ms) / 1000}};
  const char* memory = "no";
  switch (engine.seen(key)) {
    case Seen::kYes:
      memory = "yes";
      break;
    case Seen::kPerhaps:
      memory = "perhaps";
      break;
    default:
      break;
  }
  json order = nullptr;
  if (auto normal = parsers::CrawlUrl::normalize(key))
    order = order_object(engine, std::string(normal->origin()));
  return dump(json{
      {"url", url}, {"key", key}, {"seen", memory}, {"skipped", skip}, {"origin_order", order}});
}

std::string url_stored_json(const storage::CrawlReader& reader, const std::string& key) {
  auto none = [](const storage::QueryColumns&) {};
  json stored = nullptr;
  reader.run_query(
      "SELECT state, depth, source, found_on, attempts, last_error, fetched_at, next_visit_ms"
      " FROM url_states WHERE url = " +
          sql_literal(key),
      none, [&](const std::vector<storage::Cell>& row) {
        auto cell = [&](std::size_t i) -> json {
          if (auto* s = std::get_if<std::string>(&row[i])) return *s;
          if (auto* n = std::get_if<std::int64_t>(&row[i])) return *n;
          return nullptr;
        };
        stored = {{"state", cell(0)},      {"depth", cell(1)},        {"source", cell(2)},
                  {"found_on", cell(3)},   {"attempts", cell(4)},     {"last_error", cell(5)},
                  {"fetched_at", cell(6)}, {"next_visit_ms", cell(7)}};
      });
  return dump(json{{"stored", stored}});
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
