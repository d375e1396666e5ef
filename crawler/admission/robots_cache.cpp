// RobotsCache: see robots_cache.hpp.
#include "crawler/admission/robots_cache.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "crawler/admission/redirect_hop.hpp"
#include "crawler/async/fetch.hpp"
#include "crawler/async/offload.hpp"

namespace crawler {

// RFC 9309 2.3.1.2: at least five redirects are followed; past them the
// file may be treated as unavailable.
constexpr std::size_t kMaxRobotsRedirects = 5;

RobotsCache::RobotsCache(uv_loop_t* loop, AdmissionGate& gate, RobotsCacheOptions options)
    : loop_(loop), gate_(gate), options_(std::move(options)) {}

async::Task<RobotsOutcome> RobotsCache::rules_for(std::string origin) {
  auto found = entries_.find(origin);
  if (found == entries_.end()) {
    if (entries_.size() >= options_.max_origins) forget_least_used();
    found = entries_.emplace(origin, std::make_shared<Entry>()).first;
  }
  std::shared_ptr<Entry> entry = found->second;
  entry->last_used = std::chrono::steady_clock::now();

  if (entry->fetching) {
    // The fetch waited for answers this asker too, whatever it learned: a
    // failure is not a reason for each waiter to ask the server again.
    co_await WaitForFetch{entry.get()};
    co_return entry->outcome;
  }
  if (entry->known && std::chrono::steady_clock::now() < entry->expires) co_return entry->outcome;

  entry->fetching = true;
  RobotsOutcome outcome;
  std::chrono::milliseconds lifetime{0};
  try {
    outcome = co_await learn_rules(origin, *entry, lifetime);
  } catch (...) {
    // Whoever waits must not wait forever; the next asker tries again.
    outcome.status = RobotsStatus::kUnreachable;
    outcome.rules = std::make_shared<parsers::RobotsTxt>(parsers::RobotsTxt::disallow_all());
    outcome.detail = "internal error";
    outcome.cancelled = true;
  }
  auto now = std::chrono::steady_clock::now();
  entry->expires = now + lifetime;
  if (outcome.status != RobotsStatus::kUnreachable) {
    entry->unreachable = 0;
  } else if (!outcome.cancelled) {
    // Counted per origin, however many of its pages wait: past the last
    // attempt the origin is given up for the run and never asked again.
    outcome.attempts = ++entry->unreachable;
    outcome.given_up = outcome.attempts >= options_.unreachable_attempts;
    if (outcome.given_up) entry->expires = std::chrono::steady_clock::time_point::max();
    outcome.retry_at = entry->expires;
  }
  entry->outcome = outcome;
  entry->outcome.fresh = false;       // for whoever asks next
  entry->outcome.body = {};           // the fetcher writes it down; the cache need not hold it
  entry->known = !outcome.cancelled;  // a cancelled fetch taught us nothing
  entry->fetching = false;
  for (auto waiter : std::exchange(entry->waiters, {})) waiter.resume();
  co_return outcome;
}

// The file an earlier run kept, while it is young enough; else the server's.
async::Task<RobotsOutcome> RobotsCache::learn_rules(const std::string& origin, Entry& entry,
                                                    std::chrono::milliseconds& lifetime) {
  std::optional<StoredRobots> stored;
  if (!entry.looked_up && options_.stored) {
    entry.looked_up = true;
    try {
      auto lookup = [this, &origin] { return options_.stored(origin); };
      stored = co_await async::offload(loop_, lookup);
    } catch (const std::exception&) {
      stored.reset();  // the database could not say: ask the server
    }
  }
  if (stored && stored->age < options_.ttl) {
    RobotsOutcome outcome;
    outcome.status = stored->parsed ? RobotsStatus::kParsed : RobotsStatus::kAllowAll;
    auto parse = [&stored] {
      return stored->parsed ? parsers::RobotsTxt::parse(stored->body)
                            : parsers::RobotsTxt::allow_all();
    };
    outcome.rules = std::make_shared<parsers::RobotsTxt>(co_await async::offload(loop_, parse));
    lifetime = options_.ttl - stored->age;
    co_return outcome;
  }
  RobotsOutcome outcome = co_await fetch_rules(origin);
  lifetime = outcome.status == RobotsStatus::kUnreachable ? options_.unreachable_ttl : options_.ttl;
  co_return outcome;
}

// Keeps the most recently used half; only idle entries go (a fetch in
// progress, or pages waiting on one, keep theirs).
void RobotsCache::forget_least_used() {
  std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> idle;
  for (const auto& [origin, entry] : entries_)
    if (!entry->fetching && entry->waiters.empty()) idle.emplace_back(entry->last_used, origin);
  std::size_t keep = options_.max_origins / 2;
  if (entries_.size() <= keep) return;
  std::size_t drop = std::min(idle.size(), entries_.size() - keep);
  if (drop < idle.size()) std::nth_element(idle.begin(), idle.begin() + drop, idle.end());
  for (std::size_t i = 0; i < drop; ++i) entries_.erase(idle[i].second);
}

async::Task<RobotsOutcome> RobotsCache::fetch_rules(const std::string& origin) {
  ++fetches_;
  std::string url = origin + "/robots.txt";
  async::FetchResult result;
  // RFC 9309 2.3.1.2: follow at least five redirects, each hop admitted by
  // the gate (a robots.txt redirecting to an internal address is refused).
  std::vector<std::string> chain;
  for (;;) {
    result = co_await gate_.fetch(RequestKind::kRobots,
                                  options_.requests.build(url, RequestKind::kRobots));
    if (!result.is_redirect()) break;
    RedirectHop hop = judge_redirect(url, result.header("location"), chain, kMaxRobotsRedirects);
    if (hop.verdict != HopVerdict::kFollow) break;  // no file: RFC 9309 says allow all
    chain.push_back(std::exchange(url, std::move(*hop.target).release()));
  }

  RobotsOutcome outcome;
  outcome.fresh = true;
  outcome.http_status = result.status;
  bool refused = result.error == async::FetchError::kBlocked;
  if (!refused && (!result.ok() || result.status >= 500 || result.status == 429)) {
    outcome.status = RobotsStatus::kUnreachable;
    outcome.cancelled = result.error == async::FetchError::kCancelled;
    outcome.detail =
        (result.ok() ? "http " + std::to_string(result.status)
                     : std::string(async::to_string(result.error)) + ": " + result.error_message) +
        (url == origin + "/robots.txt" ? "" : " (at " + url + ")");
    outcome.rules = std::make_shared<parsers::RobotsTxt>(parsers::RobotsTxt::disallow_all());
  } else if (result.status >= 200 && result.status < 300) {
    outcome.status = RobotsStatus::kParsed;
    // Up to 512 KiB of rules: parsed on the pool, not on the loop thread.
    auto parse = [&result] { return parsers::RobotsTxt::parse(result.body); };
    outcome.rules = std::make_shared<parsers::RobotsTxt>(co_await async::offload(loop_, parse));
    outcome.body = std::move(result.body);
  } else {
    // 4xx, a redirect chain that ended without a file, or one the gate
    // refused: "unavailable" in RFC 9309's words, so no rules apply (the
    // pages themselves still pass the gate).
    outcome.status = RobotsStatus::kAllowAll;
    outcome.rules = std::make_shared<parsers::RobotsTxt>(parsers::RobotsTxt::allow_all());
  }
  co_return outcome;
}

std::vector<RobotsWait> RobotsCache::waits(const std::function<bool(std::string_view)>& wanted,
                                           std::size_t limit, std::size_t& total) const {
  std::vector<RobotsWait> found;
  total = 0;
  for (const auto& [origin, entry] : entries_) {
    const RobotsOutcome& outcome = entry->outcome;
    if (entry->fetching || !entry->known || outcome.status != RobotsStatus::kUnreachable ||
        outcome.given_up || !wanted(origin))
      continue;
    ++total;
    found.push_back({origin, outcome.detail, outcome.attempts, entry->expires});
  }
  auto soonest = [](const RobotsWait& a, const RobotsWait& b) { return a.retry_at < b.retry_at; };
  if (found.size() > limit) {
    std::partial_sort(found.begin(), found.begin() + limit, found.end(), soonest);
    found.resize(limit);
  } else {
    std::sort(found.begin(), found.end(), soonest);
  }
  return found;
}

std::string_view RobotsCache::state(const std::string& origin) const {
  auto found = entries_.find(origin);
  if (found == entries_.end()) return "unknown";
  const Entry& entry = *found->second;
  if (entry.fetching) return "fetching";
  if (!entry.known) return "unknown";
  switch (entry.outcome.status) {
    case RobotsStatus::kParsed:
      return "parsed";
    case RobotsStatus::kAllowAll:
      return "allow_all";
    case RobotsStatus::kUnreachable:
      return "unreachable";
  }
  return "unknown";
}

}  // namespace crawler
