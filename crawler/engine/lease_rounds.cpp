// LeaseRounds: see lease_rounds.hpp.
#include "crawler/engine/lease_rounds.hpp"

#include <algorithm>
#include <optional>
#include <tuple>
#include <unordered_set>
#include <utility>
#include <vector>

#include "crawler/async/offload.hpp"
#include "crawler/base/log.hpp"

namespace crawler {

namespace {
// In serve, an origin just claimed for its due pages is idle until the
// revisit poll (every second) queues them: it is given that long.
constexpr HostLeases::Millis kRevisitGrace{3000};
}  // namespace

LeaseRounds::LeaseRounds(VisitContext& context, storage::CrawlStore& store, Hooks hooks)
    : context_(context),
      store_(store),
      hooks_(std::move(hooks)),
      leases_(Millis(context.options.lease_ms), context.options.lease_hosts),
      timer_(context.loop.get(), [this] {
        due_ = true;
        wake_.notify();
      }) {
  if (!active()) return;
  context_.frontier.set_owner([this](std::string_view origin) { return fetchable(origin); });
  // Pages start only as the fleet's budget is given out.
  if (context_.options.max_pages) context_.frontier.set_page_limit(0);
}

void LeaseRounds::start(bool serving) {
  serving_ = serving;
  if (active()) rounds_.spawn(keep());
}

void LeaseRounds::stop() {
  running_ = false;
  wake_.notify();
}

bool LeaseRounds::fetchable(std::string_view origin) const {
  return !active() || leases_.holds(origin, Clock::now());
}

void LeaseRounds::address_found(std::string origin, std::string address) {
  if (address.empty() || address_settled(origin)) {
    context_.frontier.set_address(origin, std::move(address));
    return;
  }
  if (!leases_.held(origin)) return;  // gone meanwhile: looked up again if claimed again
  found_addresses_.emplace_back(std::move(origin), std::move(address));
  due_ = true;
  wake_.notify();
}

void LeaseRounds::drop_host(std::string_view origin) {
  for (const std::string& url : context_.frontier.drop_host(origin)) hooks_.revisit_dropped(url);
}

async::Task<void> LeaseRounds::keep() {
  Frontier& frontier = context_.frontier;
  PageWriter& writer = context_.writer;
  const config::CrawlOptions& options = context_.options;
  const Millis every = std::min(Millis(1000), leases_.lease() / 6);
  TimePoint renewed_at{};
  std::optional<TimePoint> failing_since;
  while (running_ && !context_.stopping) {
    storage::LeaseRound round;
    round.lease_ms = leases_.lease().count();
    TimePoint now = Clock::now();
    // Idle origins go. Forgotten at once, so nothing new starts on them;
    // released once the writer has stored what was fetched from them.
    for (std::string& origin : leases_.origins()) {
      // Not in crawl, where holding finished origins would hold up the fleet's end.
      bool awaiting_revisits = serving_ && !leases_.handing_over(origin) &&
                               leases_.claimed_within(origin, now, kRevisitGrace);
      if (!frontier.idle(origin, now) || awaiting_revisits) continue;
      leases_.forget(origin);
      log::debug("releasing " + origin);
      round.release.push_back(std::move(origin));
    }
    bool finished = frontier.finished();
    if (!round.release.empty() || finished) co_await writer.committed();
    // The fair share, of the fleet as the last round counted it. The first
    // round only counts, so that crawlers started together share the origins
    // instead of the first taking all.
    bool counted = census_.has_value();
    if (counted) {
      ShareMove move = share_move(*census_, leases_.kept(), options.lease_hosts);
      if (move.hand_over > 0) hand_over(move.hand_over);
      if (frontier.queued() < options.frontier_memory_urls / 2)
        round.claim = std::min(move.claim, leases_.room());
    }
    round.count_fleet = options.lease_hosts;
    if (now - renewed_at >= leases_.lease() / 4) round.renew = leases_.origins();
    ask_budget(round);
    // Everything this crawler found is in the database: the fleet's answer covers it.
    round.ask_fleet = finished && frontier.finished() && writer.backlog() == 0;
    round.claim_due = serving_;  // serve revisits; crawl does not
    for (auto& found : std::exchange(found_addresses_, {}))
      if (leases_.held(found.first)) round.addresses.push_back(std::move(found));

    TimePoint asked_at = Clock::now();
    bool answered = true;  // nothing to ask again before the timer
    try {
      auto job = [this, &round] { return store_.lease(round); };
      storage::LeaseGrant grant = co_await async::offload(context_.loop.get(), job);
      if (!round.renew.empty()) renewed_at = asked_at;
      failing_since.reset();
      take_grant(round, grant, asked_at);
      // Claims make the frontier busy again: it asks anew when it runs dry.
      answered = round.ask_fleet && grant.claimed.empty();
      // Its part of the page budget is used up, and the fleet has more.
      if (round.max_pages > 0 && frontier.page_limit_reached() && !budget_spent_ &&
          frontier.queued() > 0)
        answered = false;
    } catch (const storage::StorageError& e) {
      // Asked again next round.
      for (auto& found : round.addresses) found_addresses_.push_back(std::move(found));
      // Leases not renewed lapse by themselves (HostLeases stops trusting
      // them); released ones lapse too. Past the outage limit, give up.
      if (!failing_since) failing_since = now;
      if (now - *failing_since >= Millis(options.db_outage_ms)) {
        error_ = std::string("leasing hosts from the database kept failing: ") + e.what();
        hooks_.changed();
        co_return;
      }
      log::warning(std::string("leasing hosts: ") + e.what() + "; trying again");
    }
    hooks_.changed();
    // The next round in a second (sooner for short leases), or as soon as
    // this crawler's frontier runs dry, unless this round asked already.
    // Right after the first count; and soon while origins are handed over,
    // as the crawlers waiting for them wait for this one's next round.
    Millis next = every;
    if (!counted && census_) next = Millis(0);
    if (leases_.kept() < leases_.size())
      next = std::min(every, std::max(Millis(50), Millis(options.delay_ms)));
    due_ = !found_addresses_.empty();  // found while this round was out
    timer_.start(next);
    while (!due_ && running_ && !context_.stopping && !(frontier.finished() && !answered))
      co_await wake_.wait();
    timer_.stop();
  }
}

void LeaseRounds::take_grant(const storage::LeaseRound& round, const storage::LeaseGrant& grant,
                             TimePoint asked_at) {
  // First: an origin given up for its address was not renewed, and is no lost lease.
  take_addresses(round, grant);
  for (const std::string& origin : grant.renewed) leases_.granted(origin, asked_at);
  // A renewal refused: this crawler stalled past its lease and another took the origin over.
  std::unordered_set<std::string_view> renewed(grant.renewed.begin(), grant.renewed.end());
  for (const std::string& origin : round.renew) {
    if (renewed.contains(origin) || !leases_.held(origin)) continue;
    log::warning("lost the lease of " + origin + " to another crawler; its URLs are left to it");
    leases_.forget(origin);
    drop_host(origin);
  }
  for (const std::string& origin : grant.claimed) {
    log::debug("leased " + origin);
    leases_.granted(origin, asked_at);
    leases_.claimed(origin, asked_at);
    // Its address is the fleet's to grant, even if this crawler served it before.
    if (shares_addresses()) context_.frontier.readdress(origin);
    context_.frontier.adopt(origin);
  }
  fleet_done_ =
      round.ask_fleet && grant.fleet_done && grant.claimed.empty() && context_.frontier.finished();
  if (round.count_fleet > 0) census_ = FleetCensus{grant.live_workers, grant.origins_with_work};
  if (round.max_pages > 0) {
    context_.frontier.set_page_limit(static_cast<std::size_t>(grant.pages_allowed));
    budget_spent_ = grant.pages_spent;
    run_pages_stored_ = static_cast<std::size_t>(std::max<std::int64_t>(0, grant.run_pages_stored));
  }
}

// An origin whose address another crawler serves was given up in the
// round, before anything was fetched from it; the others are scheduled.
void LeaseRounds::take_addresses(const storage::LeaseRound& round,
                                 const storage::LeaseGrant& grant) {
  std::unordered_set<std::string_view> yielded(grant.yielded.begin(), grant.yielded.end());
  for (const auto& [origin, address] : round.addresses) {
    if (!leases_.held(origin)) continue;  // gone since it was asked
    if (yielded.contains(origin)) {
      log::debug("leaving " + origin + " to the crawler that serves " + address);
      leases_.forget(origin);
      drop_host(origin);
      continue;
    }
    leases_.serve_address(origin);
    context_.frontier.set_address(origin, address);
  }
}

// Origins above the share go back to the fleet: nothing new starts on them
// and their queued URLs leave memory at once (the database keeps them);
// each is released once what was fetched from it is stored and its delay
// has passed, so its next holder is as polite as this crawler would be.
void LeaseRounds::hand_over(std::size_t count) {
  struct Candidate {
    std::string origin;
    bool busy = false;     // fetches in flight: it goes only when they end
    bool resting = false;  // backing off: it goes only once that is over
  };
  std::vector<Candidate> candidates;
  TimePoint now = Clock::now();
  for (std::string& origin : leases_.origins()) {
    if (leases_.handing_over(origin)) continue;
    std::optional<Frontier::HostView> view = context_.frontier.host_view(origin);
    candidates.push_back(
        {std::move(origin), view && view->in_flight > 0, view && view->resting_until > now});
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    return std::tie(a.busy, a.resting) < std::tie(b.busy, b.resting);
  });
  candidates.resize(std::min(count, candidates.size()));
  for (const Candidate& candidate : candidates) {
    log::debug("handing " + candidate.origin + " over: more than this crawler's share");
    leases_.hand_over(candidate.origin);
    drop_host(candidate.origin);
  }
}

// --max-pages over the fleet: this crawler asks for what it would start
// before its next round (twice what it started since the last, at least a
// fetch per slot, no more than it holds queued) and gives back the rest.
void LeaseRounds::ask_budget(storage::LeaseRound& round) {
  const config::CrawlOptions& options = context_.options;
  if (!options.max_pages) return;
  const Frontier& frontier = context_.frontier;
  std::size_t started = frontier.started();
  std::size_t wanted = std::max(options.concurrency, 2 * (started - started_before_));
  if (frontier.queued() > 0) {
    wanted = std::min(wanted, frontier.queued());
  } else if (!frontier.spilled()) {
    wanted = 0;
  }
  started_before_ = started;
  round.max_pages = static_cast<std::int64_t>(*options.max_pages);
  round.pages_started = static_cast<std::int64_t>(started);
  round.pages_wanted = static_cast<std::int64_t>(wanted);
}

// At the end the crawler leaves the fleet: its origins are free at once, it
// no longer counts among the live crawlers, and the pages it reserved and
// did not start go back to the fleet's budget.
async::Task<void> LeaseRounds::release_all() {
  if (!active()) co_return;
  storage::LeaseRound round;
  round.lease_ms = leases_.lease().count();
  round.leaving = true;
  round.release = leases_.origins();
  for (const std::string& origin : round.release) leases_.forget(origin);
  started_before_ = context_.frontier.started();
  ask_budget(round);
  round.pages_wanted = 0;
  try {
    auto job = [this, &round] { return store_.lease(round); };
    storage::LeaseGrant grant = co_await async::offload(context_.loop.get(), job);
    // Counted after the last write: the run's pages, this crawler's all in.
    if (round.max_pages > 0)
      run_pages_stored_ =
          static_cast<std::size_t>(std::max<std::int64_t>(0, grant.run_pages_stored));
  } catch (const storage::StorageError& e) {
    log::warning(std::string("releasing leases: ") + e.what() + "; they lapse in " +
                 std::to_string(leases_.lease().count() / 1000) + " s");
  }
}

}  // namespace crawler
