// RobotsCache: see robots_cache.hpp.
#include "crawler/robots_cache.hpp"

#include <utility>

#include "crawler/async/fetch.hpp"
#include "crawler/async/offload.hpp"

namespace crawler {

std::string_view url_origin(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return url;
  return url.substr(0, url.find_first_of("/?#", scheme_end + 3));
}

RobotsCache::RobotsCache(uv_loop_t* loop, async::CurlMultiSet& multis, RobotsCacheOptions options)
    : loop_(loop), multis_(multis), options_(std::move(options)) {}

async::Task<RobotsOutcome> RobotsCache::rules_for(std::string origin) {
  auto& slot = entries_[origin];
  if (!slot) slot = std::make_unique<Entry>();
  Entry* entry = slot.get();  // stable: entries are never erased

  if (entry->fetching) co_await WaitForFetch{entry};
  if (entry->known && std::chrono::steady_clock::now() < entry->expires) co_return entry->outcome;

  entry->fetching = true;
  RobotsOutcome outcome;
  try {
    outcome = co_await fetch_rules(origin);
  } catch (...) {
    // Whoever waits must not wait forever; the next asker tries again.
    outcome.status = RobotsStatus::kUnreachable;
    outcome.rules = std::make_shared<parsers::RobotsTxt>(parsers::RobotsTxt::disallow_all());
    outcome.detail = "internal error";
    outcome.cancelled = true;
  }
  auto ttl = outcome.status == RobotsStatus::kUnreachable ? options_.unreachable_ttl : options_.ttl;
  entry->outcome = outcome;
  entry->outcome.fresh = false;  // for whoever asks next
  entry->expires = std::chrono::steady_clock::now() + ttl;
  entry->known = !outcome.cancelled;  // a cancelled fetch taught us nothing
  entry->fetching = false;
  for (auto waiter : std::exchange(entry->waiters, {})) waiter.resume();
  co_return outcome;
}

void RobotsCache::preload(const std::string& origin, bool parsed, std::string body,
                          std::chrono::milliseconds age) {
  if (age >= options_.ttl) return;
  auto& slot = entries_[origin];
  if (!slot) slot = std::make_unique<Entry>();
  RobotsOutcome& outcome = slot->outcome;
  outcome.status = parsed ? RobotsStatus::kParsed : RobotsStatus::kAllowAll;
  outcome.rules = std::make_shared<parsers::RobotsTxt>(parsed ? parsers::RobotsTxt::parse(body)
                                                              : parsers::RobotsTxt::allow_all());
  outcome.body = std::move(body);
  slot->known = true;
  slot->expires = std::chrono::steady_clock::now() + (options_.ttl - age);
}

async::Task<RobotsOutcome> RobotsCache::fetch_rules(const std::string& origin) {
  ++fetches_;
  async::FetchRequest request;
  request.url = origin + "/robots.txt";
  request.user_agent = options_.user_agent;
  request.total_timeout_ms = options_.timeout_ms;
  request.max_body_bytes = parsers::kMaxRobotsBytes;
  request.max_redirects = 5;  // RFC 9309 2.3.1.2: follow at least five
  async::FetchResult result = co_await async::fetch(multis_.next(), std::move(request));

  RobotsOutcome outcome;
  outcome.fresh = true;
  outcome.http_status = result.status;
  if (!result.ok() || result.status >= 500 || result.status == 429) {
    outcome.status = RobotsStatus::kUnreachable;
    outcome.cancelled = result.error == async::FetchError::kCancelled;
    outcome.detail =
        result.ok() ? "http " + std::to_string(result.status)
                    : std::string(async::to_string(result.error)) + ": " + result.error_message;
    outcome.rules = std::make_shared<parsers::RobotsTxt>(parsers::RobotsTxt::disallow_all());
  } else if (result.status >= 200 && result.status < 300) {
    outcome.status = RobotsStatus::kParsed;
    // Up to 512 KiB of rules: parsed on the pool, not on the loop thread.
    auto parse = [&result] { return parsers::RobotsTxt::parse(result.body); };
    outcome.rules = std::make_shared<parsers::RobotsTxt>(co_await async::offload(loop_, parse));
    outcome.body = std::move(result.body);
  } else {
    // 4xx, or a redirect chain that ended without a file: no rules apply.
    outcome.status = RobotsStatus::kAllowAll;
    outcome.rules = std::make_shared<parsers::RobotsTxt>(parsers::RobotsTxt::allow_all());
  }
  co_return outcome;
}

}  // namespace crawler
