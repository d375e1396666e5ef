// Origins and URLs in the console's API: see console_origin_api.hpp.
#include "crawler/service/console_origin_api.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <variant>
#include <vector>

#include "crawler/service/console_json.hpp"
#include "crawler/service/console_log_api.hpp"
#include "parsers/crawl_url.hpp"

namespace crawler {

using nlohmann::json;
using namespace console_json;

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
    if (e->origin == origin) recent.push_back(log_entry_json(*e));
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

}  // namespace crawler
