// Origins and URLs in the console's API: see console_origin_api.hpp.
#include "crawler/service/console_origin_api.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <vector>

#include "crawler/service/console_json.hpp"
#include "crawler/service/console_log_api.hpp"
#include "parsers/crawl_url.hpp"

namespace crawler {

using nlohmann::json;
using namespace console_json;

namespace {

// A NULL of the database as JSON null.
template <typename T>
json or_null(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
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
  storage::OriginQueue queue = reader.origin_queue(origin, offset, limit);
  json queued = json::array();
  for (const auto& entry : queue.urls)
    queued.push_back(
        {{"url", entry.url}, {"depth", or_null(entry.depth)}, {"source", or_null(entry.source)}});
  json robots = nullptr;
  if (auto kept = reader.kept_robots_txt(origin))
    robots = {{"status", kept->status},
              {"http_status", or_null(kept->http_status)},
              {"body", or_null(kept->body)},
              {"fetched_at", static_cast<double>(kept->fetched_at_ms) / 1000}};
  return dump(json{{"origin", origin},
                   {"queued", queued},
                   {"queued_total", queue.total},
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
  json stored = nullptr;
  if (auto state = reader.url_state(key))
    stored = {{"state", state->state},
              {"depth", or_null(state->depth)},
              {"source", or_null(state->source)},
              {"found_on", or_null(state->found_on)},
              {"attempts", or_null(state->attempts)},
              {"last_error", or_null(state->last_error)},
              {"fetched_at", or_null(state->fetched_at)},
              {"next_visit_ms", or_null(state->next_visit_ms)}};
  return dump(json{{"stored", stored}});
}

}  // namespace crawler
