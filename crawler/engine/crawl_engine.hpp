// CrawlEngine: the scheduler and the lifecycle of a crawl. A scheduler
// coroutine takes URLs from the Frontier when their origin may be fetched
// and runs one PageVisit per URL (the visit's steps are in page_visit.hpp
// and steps/); beside it run the frontier's refill and seen-set loader
// (FrontierRefiller), the fleet's lease rounds (LeaseRounds) and the
// revisit poller (RevisitPoller), each a class of its own. stop() ends the crawl
// early: in-flight fetches get a grace period, everything fetched is
// written.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "config/crawl_options.hpp"
#include "crawler/admission/admission_gate.hpp"
#include "crawler/admission/dns_cache.hpp"
#include "crawler/admission/host_tally.hpp"
#include "crawler/admission/queue_admission.hpp"
#include "crawler/admission/robots_cache.hpp"
#include "crawler/admission/url_filter.hpp"
#include "crawler/async/curl_multi_set.hpp"
#include "crawler/async/fetch.hpp"
#include "crawler/async/loop.hpp"
#include "crawler/async/task.hpp"
#include "crawler/async/task_scope.hpp"
#include "crawler/async/timer.hpp"
#include "crawler/async/wake_signal.hpp"
#include "crawler/engine/crawl_summary.hpp"
#include "crawler/engine/fetch_log.hpp"
#include "crawler/engine/fleet_poller.hpp"
#include "crawler/engine/frontier_refiller.hpp"
#include "crawler/engine/lease_rounds.hpp"
#include "crawler/engine/origin_controls.hpp"
#include "crawler/engine/origin_lookups.hpp"
#include "crawler/engine/origin_settler.hpp"
#include "crawler/engine/page_visit.hpp"
#include "crawler/engine/page_writer.hpp"
#include "crawler/engine/revisit_poller.hpp"
#include "crawler/engine/sitemap_source.hpp"
#include "crawler/engine/steps/record_sink.hpp"
#include "crawler/engine/steps/resolve_step.hpp"
#include "crawler/engine/steps/revisit_policy.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "crawler/frontier/frontier.hpp"
#include "storage/crawl_store.hpp"

namespace crawler {

class CrawlEngine {
 public:
  /// Throws std::invalid_argument for unusable options (e.g. a bad pattern).
  CrawlEngine(async::Loop& loop, const config::CrawlOptions& options, storage::CrawlStore& store);
  CrawlEngine(const CrawlEngine&) = delete;
  CrawlEngine& operator=(const CrawlEngine&) = delete;
  ~CrawlEngine();

  /// Crawls from `seeds` and the URLs the database holds queued until the
  /// frontier is exhausted, a limit is reached or stop() is called.
  async::Task<CrawlSummary> run(std::vector<std::string> seeds);

  /// Loads the URLs an earlier run handled or queued from the store, `chunk`
  /// at a time on the thread pool, while the crawl goes on: a restarted
  /// crawl fetches at once instead of after reading millions of URLs.
  /// Meanwhile a URL not yet loaded is "perhaps seen": the database decides.
  void load_seen(std::size_t chunk = 20'000);
  /// The database holds queued URLs (an earlier run's): fetch them too.
  void resume_stored_urls() { frontier_.expect_stored_urls(); }

  /// Adds seeds while running (SIGHUP): their hosts join the scope.
  /// Returns the ones that were new.
  std::vector<std::string> add_seeds(const std::vector<std::string>& seeds);

  /// In service mode the crawl does not end when the frontier empties; it
  /// waits for stop() or new seeds.
  void keep_running(bool on) { keep_running_ = on; }

  /// Counters and gauges for /metrics and /status.
  struct Gauges {
    std::size_t queued = 0;  // held in memory
    bool spilled = false;    // and more wait in the database
    // Queued in the database (memory's URLs among them, once written), as
    // the store keeps count; empty for a store that keeps no count.
    std::optional<std::size_t> queued_stored;
    std::size_t revisits_outstanding = 0;  // due revisits queued or in flight
    std::size_t hosts_in_memory = 0;
    std::size_t seen_bytes = 0;
    bool seen_exact = true;
    std::size_t in_flight = 0;
    std::size_t hosts_active = 0;
    std::size_t hosts_resting = 0;  // backing off after failures
    std::size_t hosts_waiting = 0;  // waiting out their politeness delay
    std::size_t write_backlog = 0;
    double last_batch_seconds = 0;
    double uptime_seconds = 0;
    // What the crawl waits for besides fetches: origins whose robots.txt is
    // unreachable and will be asked again (the soonest few), and how many.
    std::vector<RobotsWait> waiting;
    std::size_t waiting_origins = 0;
  };
  const CrawlSummary& counters();

  /// Paused, no new fetch starts; those in flight finish and are stored.
  void pause(bool on);
  bool paused() const { return paused_; }

  /// The crawl as the console names it. kRunning: fetching, or a URL is due
  /// within kIdleAfter; kIdle: URLs wait but none is due before next_due();
  /// kDone: nothing queued, in flight or waiting to be written (revisits
  /// may come later); kStopping: stop() was called or the crawl failed.
  enum class State { kRunning, kPaused, kIdle, kDone, kStopping };
  static constexpr Millis kIdleAfter{5000};
  State state(TimePoint now) const;
  /// How far a bounded crawl (--max-pages) is: pages stored of the bound.
  /// A fleet (a shared store) counts the pages all crawlers of its run stored,
  /// as of the last lease round.
  struct Progress {
    std::size_t stored = 0;
    std::size_t bound = 0;
    bool fleet = false;
  };
  /// Empty when the crawl has no bound (or a fleet's first round has not counted yet).
  std::optional<Progress> progress() const;
  /// When the next URL may start, while idle; empty when nothing waits on time.
  std::optional<TimePoint> next_due() const { return frontier_.next_ready(); }

  const config::CrawlOptions& options() const { return options_; }

  /// The operator's orders for origins (the console's host actions).
  const OriginControls& origin_controls() const { return controls_; }
  /// Gives the order `control` for its origin: applied at once (a fetch in
  /// flight finishes), logged, and kept in the database, so that a restart
  /// keeps it. A paused or blocked origin starts no fetch; an origin's
  /// delay replaces the crawl's (and Crawl-delay's) for it, never below --delay.
  void control_origin(storage::OriginControl control);
  /// Orders an earlier run kept (CrawlStore::origin_controls): applied, not written again.
  void restore_origin_controls(const std::vector<storage::OriginControl>& controls);
  /// Orders as the store keeps them now, read again while the crawl runs (a
  /// fleet: another crawler's console may have given them): each one newer
  /// than the order held for its origin is applied, not written again.
  void take_fleet_controls(const std::vector<storage::OriginControl>& controls);

  /// One origin the frontier holds, for the console.
  struct OriginStatus {
    Frontier::HostView frontier;
    const FetchLog::Tally* tally = nullptr;  // null: nothing fetched from it yet
    std::string_view robots;                 // RobotsCache::state, or "ignored"
  };
  /// Valid until the engine next runs.
  std::vector<OriginStatus> origins() const;
  const FetchLog& fetch_log() const { return sink_.fetch_log(); }
  /// Examples of URLs queue admission refused.
  const SkipLog& skips() const { return admission_.skips(); }
  /// Whether the frontier holds `url` (queued, in flight or done this run).
  Seen seen(std::string_view url) const { return frontier_.seen(url); }
  /// The crawl cannot go on (its database writes, or reads of its queued URLs, fail).
  bool failed() const { return fatal(); }
  Gauges gauges() const;

  /// First call: take no new work, let fetches in flight finish within the
  /// grace period, then cancel the rest. Second call: cancel them now.
  /// Safe to call from any loop callback.
  void stop();

 private:
  async::Task<void> crawl_page(FrontierUrl url);
  VisitOutcome page_failed(const FrontierUrl& url, std::string failure);
  void page_done(FrontierUrl& url, VisitOutcome outcome);
  void arm_wakeup();
  void apply_control(const storage::OriginControl& control);
  void apply_origin_delay(std::string_view origin);
  bool fatal() const {
    return writer_.fatal() || !refiller_.error().empty() || !leases_.error().empty();
  }

  async::Loop& loop_;
  config::CrawlOptions options_;
  CrawlSummary summary_;
  storage::CrawlStore& store_;  // refills, the seen set and due revisits read it on the pool
  std::string agent_;           // robots product token
  bool stopping_ = false;
  async::CurlMultiSet multis_;
  Frontier frontier_;
  UrlFilter filter_;
  DnsCache dns_;
  AdmissionGate gate_;
  QueueAdmission admission_;  // counts into summary_.skipped
  RobotsCache robots_;
  async::WakeSignal wake_;
  async::Timer wake_timer_;
  async::Timer grace_timer_;
  PageWriter writer_;
  // The visit: its context, the steps' shared parts, the chain itself.
  VisitContext context_;
  RecordSink sink_;
  ResolveStep resolve_;
  OriginLookups lookups_;  // names of new origins, before they are scheduled
  RevisitPolicy revisit_policy_;
  SitemapSource sitemaps_;
  OriginSettler settler_;
  PageVisit visit_;
  FrontierRefiller refiller_;
  RevisitPoller revisits_;
  LeaseRounds leases_;  // when the store leases hosts (a fleet shares it)
  FleetPoller fleet_;   // likewise: the fleet's origin orders and queued count
  async::TaskScope pages_;
  bool scheduling_ = true;  // false once run() takes no more work
  bool paused_ = false;
  bool keep_running_ = false;
  OriginControls controls_;
  Clock::time_point started_ = Clock::now();
};

}  // namespace crawler
