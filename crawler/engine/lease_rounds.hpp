// LeaseRounds: when crawlers share a store (a fleet on one PostgreSQL
// database), this crawler fetches only the origins it leases, and these are
// its rounds with the store. A round every second (sooner for short leases)
// releases the origins it is done with, renews the others, counts the fleet
// (live crawlers, origins with work) and holds its fair share of origins
// (fair_share.hpp): it claims up to it, and hands over what is above it when
// crawlers join, those with nothing in flight first. With --max-pages, it
// reserves its part of the fleet's page budget. With per-address limits,
// one crawler at a time serves a server address: an origin claimed waits
// until a round has granted this crawler its address (or gives it up to
// the crawler that serves it), so the limits hold across the fleet. Once this crawler's frontier
// is finished it asks whether the whole fleet is: the crawl ends only then,
// as another crawler's pages may still queue work. At the end it releases
// everything at once. Which origins are held, and until when, is HostLeases'
// bookkeeping; a store that does not lease makes every origin this
// crawler's own and runs no rounds.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crawler/async/task.hpp"
#include "crawler/async/task_scope.hpp"
#include "crawler/async/timer.hpp"
#include "crawler/async/wake_signal.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "crawler/frontier/fair_share.hpp"
#include "crawler/frontier/host_leases.hpp"
#include "storage/crawl_store.hpp"

namespace crawler {

class LeaseRounds {
 public:
  struct Hooks {
    std::function<void(const std::string& url)> revisit_dropped;  // a revisit left with its origin
    std::function<void()> changed;  // the scheduler may look again (claims, losses, answers)
  };
  /// Makes the frontier fetch only leased origins when the store leases them.
  LeaseRounds(VisitContext& context, storage::CrawlStore& store, Hooks hooks);
  LeaseRounds(const LeaseRounds&) = delete;
  LeaseRounds& operator=(const LeaseRounds&) = delete;

  /// Whether crawlers share the store, so that this one leases its origins.
  bool active() const { return store_.leases_hosts(); }
  /// Starts the rounds (when active). `serving`: the crawl does not end when
  /// its frontier does (serve), and origins with pages due are claimed too.
  void start(bool serving);
  /// No more rounds: the crawl takes no more work.
  void stop();
  async::Task<void> join() { return rounds_.join(); }
  /// Releases every lease still held, at the end, so that the others need
  /// not wait for them to lapse.
  async::Task<void> release_all();

  /// Whether a fetch of `origin` may start now.
  bool fetchable(std::string_view origin) const;
  /// Whether crawlers take turns serving each server address: they lease
  /// origins, and per-address limits apply.
  bool shares_addresses() const { return active() && context_.frontier.address_limits(); }
  /// Whether `origin` may be scheduled at its address: the fleet granted
  /// this crawler the address (always, when addresses are not shared).
  bool address_settled(std::string_view origin) const {
    return !shares_addresses() || leases_.serves_address(origin);
  }
  /// `origin`'s name resolved to `address`. The frontier has it at once when
  /// it is settled (or empty: the lookup failed); otherwise a round asks
  /// the fleet now, and the frontier has it if the answer is yes.
  void address_found(std::string origin, std::string address);
  /// `origin` is no longer this crawler's: its queued URLs leave memory.
  void drop_host(std::string_view origin);
  /// This crawler's frontier ran dry: ask the fleet now, not at the next round.
  void ask_now() { wake_.notify(); }
  /// The last round found no work left anywhere in the fleet (always, when
  /// not active).
  bool fleet_done() const { return !active() || fleet_done_; }
  /// The fleet's --max-pages budget is all given out (always, when not active).
  bool page_budget_spent() const { return !active() || budget_spent_; }
  /// With --max-pages over a fleet: the pages the crawlers of this run have
  /// stored, as of the last round; empty before the first, or when not active.
  std::optional<std::size_t> run_pages_stored() const { return run_pages_stored_; }
  /// Non-empty: leasing kept failing past the outage limit; the crawl cannot go on.
  const std::string& error() const { return error_; }

 private:
  async::Task<void> keep();
  void take_grant(const storage::LeaseRound& round, const storage::LeaseGrant& grant,
                  TimePoint asked_at);
  void hand_over(std::size_t count);
  void ask_budget(storage::LeaseRound& round);
  void take_addresses(const storage::LeaseRound& round, const storage::LeaseGrant& grant);

  VisitContext& context_;
  storage::CrawlStore& store_;
  Hooks hooks_;
  HostLeases leases_;
  async::TaskScope rounds_;
  async::WakeSignal wake_;
  async::Timer timer_;
  bool due_ = false;  // the timer fired: a round is due
  bool running_ = true;
  bool serving_ = false;
  bool fleet_done_ = false;
  std::optional<FleetCensus> census_;  // as the last round counted it
  bool budget_spent_ = false;
  std::optional<std::size_t> run_pages_stored_;
  std::size_t started_before_ = 0;  // pages the frontier had started at the last round
  std::string error_;
  std::vector<std::pair<std::string, std::string>> found_addresses_;  // for the next round
};

}  // namespace crawler
