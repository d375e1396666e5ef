// RobotsStep: see robots_step.hpp.
#include "crawler/engine/steps/robots_step.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "crawler/base/log.hpp"
#include "crawler/base/unix_time.hpp"

namespace crawler {

async::Task<RobotsVerdict> RobotsStep::check(FrontierUrl& url, storage::PageRecord& record) {
  std::string_view origin = url.origin();
  RobotsOutcome robots = co_await robots_.rules_for(std::string(origin));
  if (robots.status == RobotsStatus::kUnreachable) co_return unreachable(url, robots, record);
  learn(origin, robots);
  std::string_view path = std::string_view(url.url.text()).substr(origin.size());
  parsers::RobotsDecision decision = robots.rules->check(context_.agent, path);
  // robots.txt fetched from the server just now took the origin's turn (and
  // its address's): the page goes at the next one, not a moment after it.
  if (decision.allowed)
    co_return robots.fresh ? RobotsVerdict::kTurnTaken : RobotsVerdict::kAllowed;
  ++context_.summary.robots_denied;
  record.error = "robots_disallowed";
  if (decision.too_costly)
    record.error_detail = "robots.txt too costly to match against this URL: refused";
  if (decision.rule)
    record.error_detail = "robots.txt line " + std::to_string(decision.rule->line) +
                          ": Disallow: " + decision.rule->pattern;
  co_return RobotsVerdict::kRefused;
}

// What a robots.txt that answered says beyond this URL: its sitemaps, its
// Crawl-delay, and the file itself, kept with the crawl.
void RobotsStep::learn(std::string_view origin, RobotsOutcome& robots) {
  bool parsed = robots.status == RobotsStatus::kParsed;
  sitemaps_.start(origin, robots.rules->sitemaps(), parsed);
  if (robots.fresh) {
    // Kept on its own, whatever becomes of this page: the cache forgets
    // origins and looks their files up in the database again.
    storage::PageRecord kept;
    kept.queue_only = true;
    kept.robots = storage::RobotsFile{std::string(origin), parsed, robots.http_status,
                                      std::move(robots.body), unix_ms_now()};
    context_.writer.add(std::move(kept));
  }
  if (!parsed) return;
  if (auto delay = robots.rules->crawl_delay(context_.agent)) {
    auto wanted = Millis(static_cast<std::int64_t>(*delay * 1000));
    context_.frontier.set_host_delay(origin,
                                     std::min(wanted, Millis(context_.options.max_crawl_delay_ms)));
  }
}

// The attempts are the origin's (RobotsCache counts its fetches), not each
// URL's: its pages wait together and are settled together.
RobotsVerdict RobotsStep::unreachable(FrontierUrl& url, const RobotsOutcome& robots,
                                      storage::PageRecord& record) {
  if (robots.cancelled || (context_.stopping && !robots.given_up))
    return RobotsVerdict::kAbandoned;  // asked again by the next run
  std::string origin(url.origin());
  if (robots.fresh) {
    std::string attempts = std::to_string(robots.attempts) + " of " +
                           std::to_string(std::max(0, context_.options.max_retries) + 1);
    if (robots.given_up) {
      log::warning("robots.txt of " + origin + " unreachable (" + robots.detail + "), attempt " +
                   attempts +
                   ": giving the origin up; its queued URLs are recorded as robots_unreachable");
    } else {
      ++context_.summary.retries;
      auto wait = std::chrono::ceil<std::chrono::seconds>(robots.retry_at - Clock::now());
      log::warning("robots.txt of " + origin + " unreachable (" + robots.detail + "), attempt " +
                   attempts + ": its URLs wait; asking again in " +
                   std::to_string(std::max<std::int64_t>(0, wait.count())) + " s");
    }
  }
  if (!robots.given_up) {
    context_.frontier.retry(std::move(url), robots.retry_at);
    return RobotsVerdict::kWaiting;
  }
  ++context_.summary.robots_unreachable;
  record = settler_.record(url, robots.detail);
  settler_.give_up(origin, robots.detail);
  return RobotsVerdict::kRefused;
}

}  // namespace crawler
