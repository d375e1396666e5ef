// CrawlEngine: the crawl itself. A scheduler coroutine takes URLs from the
// Frontier when their host may be fetched and spawns one crawl_page
// coroutine per URL. A page asks robots.txt, fetches, retries or backs off
// on failure, follows redirects itself, parses HTML on the thread pool,
// feeds new links through the UrlFilter to the Frontier and hands its record
// to the PageWriter. stop() ends the crawl early: in-flight fetches are
// cancelled (and not stored), everything fetched is written.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "config/crawl_options.hpp"
#include "crawler/admission/admission_gate.hpp"
#include "crawler/admission/host_tally.hpp"
#include "crawler/admission/queue_admission.hpp"
#include "crawler/admission/robots_cache.hpp"
#include "crawler/admission/url_filter.hpp"
#include "crawler/async/byte_budget.hpp"
#include "crawler/async/curl_multi_set.hpp"
#include "crawler/async/fetch.hpp"
#include "crawler/async/loop.hpp"
#include "crawler/async/task.hpp"
#include "crawler/async/task_scope.hpp"
#include "crawler/async/timer.hpp"
#include "crawler/async/wake_signal.hpp"
#include "crawler/engine/fetch_log.hpp"
#include "crawler/engine/page_writer.hpp"
#include "crawler/frontier/frontier.hpp"
#include "crawler/frontier/host_leases.hpp"
#include "parsers/html_page.hpp"
#include "storage/crawl_store.hpp"

namespace crawler {

struct CrawlSummary {
  std::size_t pages = 0;                       // records written
  std::size_t fetch_errors = 0;                // no HTTP response (refused, timeout, reset, ...)
  std::size_t http_errors = 0;                 // 4xx and 5xx responses
  std::size_t retries = 0;                     // fetches tried again
  std::size_t robots_denied = 0;               // URLs robots.txt disallowed
  std::size_t sitemaps = 0;                    // sitemap documents read
  std::size_t sitemap_urls = 0;                // URLs they added to the frontier
  std::size_t write_failures = 0;              // records the store refused
  std::string write_error;                     // the first refusal's message
  std::size_t fenced = 0;                      // pages left out: another crawler took their host
  std::map<std::string, std::size_t> skipped;  // links not queued, by reason
  std::map<std::string, std::size_t> errors;   // fetch failures by kind
  std::size_t stored_ok = 0;                   // page records without an error
  std::map<std::string, std::size_t> failed;   // page records with one, by error
  std::array<std::size_t, 6> responses{};      // HTTP responses by status class (1xx..5xx)
  std::size_t bytes = 0;                       // body bytes received
  std::size_t robots_unreachable = 0;          // pages given up for want of robots.txt
  std::size_t revisits = 0;                    // stored pages fetched again
  std::size_t revisits_changed = 0;            // ... that had changed
  std::size_t refills = 0;                     // reads of queued URLs back from the database
  double seconds = 0;
  double write_seconds = 0;  // spent in write batches (off the loop thread)
  std::size_t write_batches = 0;
  bool stopped = false;     // ended by stop(), not by running out of work
  std::string fatal_error;  // non-empty: the crawl could not go on

  double pages_per_second() const { return seconds > 0 ? pages / seconds : 0; }
};

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

  /// One origin the frontier holds, for the console.
  struct OriginStatus {
    Frontier::HostView frontier;
    const FetchLog::Tally* tally = nullptr;  // null: nothing fetched from it yet
    std::string_view robots;                 // RobotsCache::state, or "ignored"
  };
  /// Valid until the engine next runs.
  std::vector<OriginStatus> origins() const;
  const FetchLog& fetch_log() const { return fetch_log_; }
  /// The crawl cannot go on (its database writes, or reads of its queued URLs, fail).
  bool failed() const { return fatal(); }
  Gauges gauges() const;

  /// First call: take no new work, let fetches in flight finish within the
  /// grace period, then cancel the rest. Second call: cancel them now.
  /// Safe to call from any loop callback.
  void stop();

 private:
  // kDone: finished (a record was written, or there was nothing to write);
  // kRetried: back in the frontier; kAbandoned: the crawl is stopping and the
  // URL was not finished: no record, so it stays queued for the next run.
  enum class Visit { kDone, kRetried, kAbandoned };

  // Revisits read per poll, and outstanding (queued or in flight) at most.
  static constexpr int kRevisitsPerPoll = 1000;
  static constexpr std::size_t kMaxRevisitsQueued = 20'000;
  // Queued URLs of a given-up origin read back from the database at a time.
  static constexpr std::size_t kSettleChunk = 5'000;

  async::Task<void> crawl_page(FrontierUrl url);
  async::Task<Visit> visit(FrontierUrl& url);
  async::Task<bool> robots_allow(FrontierUrl& url, storage::PageRecord& record, Visit& visit);
  void give_up_origin(std::string_view origin, const std::string& detail);
  async::Task<void> settle_origin(std::string origin, std::string detail);
  storage::PageRecord unreachable_record(const FrontierUrl& url, const std::string& detail);
  std::optional<Visit> retry_later(FrontierUrl& url, const async::FetchResult& result);
  void follow_redirect(const FrontierUrl& url, const async::FetchResult& result,
                       storage::PageRecord& record);
  async::Task<void> poll_revisits();
  async::Task<void> refill_frontier();
  async::Task<void> load_seen_chunks(std::size_t chunk);
  async::Task<void> keep_leases();
  void take_grant(const storage::LeaseRound& round, const storage::LeaseGrant& grant,
                  TimePoint asked_at);
  async::Task<void> release_leases();
  async::Task<void> writes_committed();
  bool fetchable(std::string_view origin) const;
  void drop_host(std::string_view origin);
  bool fleet_done() const { return !store_.leases_hosts() || fleet_done_; }
  // A first visit's revisit interval before clamping (a day), and the clamp.
  static constexpr double kFirstRevisitS = 86400;
  std::int64_t revisit_interval_s(double seconds) const;
  void judge_revisit(const FrontierUrl& url, const async::FetchResult& result,
                     storage::PageRecord& record);
  async::Task<bool> read_html(const FrontierUrl& url, async::FetchResult& result,
                              storage::PageRecord& record);
  bool offer_link(const std::string& link, int depth);
  void offer_sitemap(const std::string& url);
  void start_sitemaps(std::string_view origin, const std::vector<std::string>& listed,
                      bool has_robots_txt);
  async::Task<void> read_sitemap(const FrontierUrl& url, async::FetchResult& result);
  void follow_sitemap_redirect(const FrontierUrl& url, const async::FetchResult& result);
  storage::PageRecord start_record(const FrontierUrl& url) const;
  void store(storage::PageRecord record);
  void arm_wakeup();
  bool fatal() const { return writer_.fatal() || !refill_error_.empty() || !lease_error_.empty(); }

  async::Loop& loop_;
  config::CrawlOptions options_;
  CrawlSummary summary_;
  storage::CrawlStore& store_;  // refills, the seen set and due revisits read it on the pool
  std::string agent_;           // robots product token
  RequestBuilder requests_;
  async::CurlMultiSet multis_;
  Frontier frontier_;
  UrlFilter filter_;
  AdmissionGate gate_;
  QueueAdmission admission_;                   // counts into summary_.skipped
  std::atomic<bool> parses_cancelled_{false};  // read by the parse pool (HtmlLimits::cancel)
  parsers::HtmlLimits html_limits_;
  async::ByteBudget parse_budget_;  // HTML bytes being parsed
  RobotsCache robots_;
  async::WakeSignal wake_;
  async::Timer wake_timer_;
  async::Timer grace_timer_;
  PageWriter writer_;
  async::TaskScope pages_;
  async::TaskScope revisits_;
  async::TaskScope settlers_;  // settle_origin, one per given-up origin at a time
  // Origins being settled; true: more of its URLs came meanwhile, settle again.
  std::unordered_map<std::string, bool> settling_;
  async::WakeSignal refill_wake_;
  async::TaskScope refills_;
  async::TaskScope seen_loader_;
  HostLeases leases_;  // used when the store leases hosts (a fleet shares it)
  async::TaskScope lease_rounds_;
  async::WakeSignal lease_wake_;
  async::Timer lease_timer_;
  bool lease_due_ = false;   // the timer fired: a round is due
  bool fleet_done_ = false;  // the last round found no work left anywhere in the fleet
  std::string lease_error_;
  bool scheduling_ = true;   // false once run() takes no more work
  int refill_failures_ = 0;  // in a row
  std::string refill_error_;
  std::unordered_set<std::string> revisiting_;  // stored pages queued or in flight again
  FetchLog fetch_log_;
  std::size_t notes_since_prune_ = 0;
  bool paused_ = false;
  bool stopping_ = false;
  bool keep_running_ = false;
  Clock::time_point started_ = Clock::now();
};

}  // namespace crawler
