// CrawlEngine, host leases: when crawlers share a store (a fleet on one
// PostgreSQL database), this crawler fetches only the origins it leases.
// A round every second (sooner for short leases) releases the origins it
// is done with, renews the others, claims more while it has room, and,
// once its own frontier is finished, asks whether the whole fleet is: the
// crawl ends only then, as another crawler's pages may still queue work.
#include <algorithm>
#include <unordered_set>

#include "crawler/async/offload.hpp"
#include "crawler/base/log.hpp"
#include "crawler/engine/crawl_engine.hpp"

namespace crawler {

namespace {
constexpr HostLeases::Millis kRevisitGrace{3000};
}  // namespace

bool CrawlEngine::fetchable(std::string_view origin) const {
  return !store_.leases_hosts() || leases_.holds(origin, Clock::now());
}

void CrawlEngine::drop_host(std::string_view origin) {
  for (const std::string& url : frontier_.drop_host(origin)) revisits_.finished(url);
}

async::Task<void> CrawlEngine::keep_leases() {
  const Millis every = std::min(Millis(1000), leases_.lease() / 6);
  TimePoint renewed_at{};
  std::optional<TimePoint> failing_since;
  while (scheduling_ && !stopping_) {
    storage::LeaseRound round;
    round.lease_ms = leases_.lease().count();
    TimePoint now = Clock::now();
    // Idle origins go. Forgotten at once, so nothing new starts on them;
    // released once the writer has stored what was fetched from them.
    for (std::string& origin : leases_.origins()) {
      // In serve, an origin just claimed for its due pages is idle until the
      // revisit poll (every second) queues them: it is given that long. Not
      // in crawl, where holding finished origins would hold up the fleet's end.
      bool awaiting_revisits = keep_running_ && leases_.claimed_within(origin, now, kRevisitGrace);
      if (!frontier_.idle(origin, now) || awaiting_revisits) continue;
      leases_.forget(origin);
      log::debug("releasing " + origin);
      round.release.push_back(std::move(origin));
    }
    bool finished = frontier_.finished();
    if (!round.release.empty() || finished) co_await writer_.committed();
    if (now - renewed_at >= leases_.lease() / 4) round.renew = leases_.origins();
    // A round claims no more origins than fetches may run at once: workers
    // that start together share the hosts instead of the first taking all.
    if (frontier_.queued() < options_.frontier_memory_urls / 2)
      round.claim = std::min(leases_.room(), options_.concurrency);
    // Everything this crawler found is in the database: the fleet's answer covers it.
    round.ask_fleet = finished && frontier_.finished() && writer_.backlog() == 0;
    round.claim_due = keep_running_;  // serve revisits; crawl does not

    TimePoint asked_at = Clock::now();
    bool answered = true;  // nothing to ask again before the timer
    try {
      auto job = [this, &round] { return store_.lease(round); };
      storage::LeaseGrant grant = co_await async::offload(loop_.get(), job);
      if (!round.renew.empty()) renewed_at = asked_at;
      failing_since.reset();
      take_grant(round, grant, asked_at);
      // Claims make the frontier busy again: it asks anew when it runs dry.
      answered = round.ask_fleet && grant.claimed.empty();
    } catch (const storage::StorageError& e) {
      // Leases not renewed lapse by themselves (HostLeases stops trusting
      // them); released ones lapse too. Past the outage limit, give up.
      if (!failing_since) failing_since = now;
      if (now - *failing_since >= Millis(options_.db_outage_ms)) {
        lease_error_ = std::string("leasing hosts from the database kept failing: ") + e.what();
        wake_.notify();
        co_return;
      }
      log::warning(std::string("leasing hosts: ") + e.what() + "; trying again");
    }
    wake_.notify();
    // The next round in a second (sooner for short leases), or as soon as
    // this crawler's frontier runs dry, unless this round asked already.
    lease_due_ = false;
    lease_timer_.start(every);
    while (!lease_due_ && scheduling_ && !stopping_ && !(frontier_.finished() && !answered))
      co_await lease_wake_.wait();
    lease_timer_.stop();
  }
}

void CrawlEngine::take_grant(const storage::LeaseRound& round, const storage::LeaseGrant& grant,
                             TimePoint asked_at) {
  for (const std::string& origin : grant.renewed) leases_.granted(origin, asked_at);
  // A renewal refused: this crawler stalled past its lease and another took the origin over.
  std::unordered_set<std::string_view> renewed(grant.renewed.begin(), grant.renewed.end());
  for (const std::string& origin : round.renew) {
    if (renewed.contains(origin)) continue;
    log::warning("lost the lease of " + origin + " to another crawler; its URLs are left to it");
    leases_.forget(origin);
    drop_host(origin);
  }
  for (const std::string& origin : grant.claimed) {
    log::debug("leased " + origin);
    leases_.granted(origin, asked_at);
    leases_.claimed(origin, asked_at);
    frontier_.adopt(origin);
  }
  fleet_done_ =
      round.ask_fleet && grant.fleet_done && grant.claimed.empty() && frontier_.finished();
}

// At the end, so that the others need not wait for the leases to lapse.
async::Task<void> CrawlEngine::release_leases() {
  storage::LeaseRound round;
  round.release = leases_.origins();
  for (const std::string& origin : round.release) leases_.forget(origin);
  if (round.release.empty()) co_return;
  try {
    auto job = [this, &round] { return store_.lease(round); };
    co_await async::offload(loop_.get(), job);
  } catch (const storage::StorageError& e) {
    log::warning(std::string("releasing leases: ") + e.what() + "; they lapse in " +
                 std::to_string(leases_.lease().count() / 1000) + " s");
  }
}

}  // namespace crawler
