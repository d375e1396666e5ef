// CrawlEngine: see crawl_engine.hpp.
#include "crawler/engine/crawl_engine.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <utility>

#include "crawler/async/offload.hpp"
#include "crawler/async/sleep.hpp"
#include "crawler/base/log.hpp"
#include "crawler/base/unix_time.hpp"
#include "crawler/frontier/frontier_refill.hpp"
#include "parsers/charset.hpp"
#include "parsers/html_page.hpp"
#include "parsers/robots_txt.hpp"
#include "parsers/sitemap.hpp"
#include "parsers/url.hpp"

namespace crawler {

namespace {

// Held back from the scheduler when this many records, or bytes, wait for
// the writer: memory stays bounded when the disk is slower than the
// network, and a kill -9 loses at most this much fetched work.
constexpr std::size_t kMaxWriteBacklog = 256;
constexpr std::size_t kMaxWriteBacklogBytes = 32 << 20;

// HTML bytes in the parse pool at once: gumbo takes up to ~30 times its
// input, so two full-size pages (HtmlLimits::max_html_bytes) at a time.
constexpr std::size_t kMaxParseBytes = 4 << 20;

// A refill that fails this many times in a row (a second apart) stops the
// crawl: the queued URLs it cannot read would never be fetched.
constexpr int kMaxRefillFailures = 10;

// Bodies up to this size are hashed on the loop thread (about 0.1 ms).
constexpr std::size_t kInlineHashBytes = 128 * 1024;

// FNV-1a, 64 bits: enough to tell whether a page's body changed.
std::string content_hash(std::string_view body) {
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : body) hash = (hash ^ c) * 1099511628211ull;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

FrontierLimits limits_from(const config::CrawlOptions& options) {
  FrontierLimits limits;
  limits.max_in_flight = options.concurrency;
  limits.max_per_host = options.per_host;
  limits.max_pages = options.max_pages;
  limits.min_delay = Millis(options.delay_ms);
  limits.backoff_base = Millis(options.backoff_base_ms);
  limits.backoff_cap = Millis(options.backoff_cap_ms);
  limits.max_queued = options.frontier_memory_urls;
  limits.host_window = options.host_window;
  limits.seen_memory = options.seen_memory_mb << 20;
  return limits;
}

parsers::HtmlLimits html_limits_from(const config::CrawlOptions& options) {
  parsers::HtmlLimits limits;
  limits.max_links = options.max_links_per_page;
  limits.max_url_length = options.max_url_length;
  limits.cpu_budget = Millis(options.parse_budget_ms);
  return limits;
}

Scope scope_from(const std::string& name) {
  if (name == "host") return Scope::kHost;
  if (name == "domain") return Scope::kDomain;
  if (name == "any") return Scope::kAny;
  throw std::invalid_argument("unknown scope '" + name + "' (host, domain or any)");
}

UrlFilterOptions filter_from(const config::CrawlOptions& options) {
  UrlFilterOptions filter;
  filter.scope = scope_from(options.scope);
  filter.include = options.include;
  filter.exclude = options.exclude;
  filter.max_url_length = options.max_url_length;
  filter.max_repeated_segments = options.max_repeated_segments;
  filter.max_path_depth = options.max_path_depth;
  filter.max_query_params = options.max_query_params;
  filter.max_pages_per_host = options.max_pages_per_host;
  return filter;
}

// robots.txt files the crawl kept are looked up in its database (read-only,
// on the pool) before a server is asked.
RobotsCacheOptions robots_options(const config::CrawlOptions& options, storage::CrawlStore& store) {
  RobotsCacheOptions robots;
  robots.requests = RequestBuilder(options);
  robots.unreachable_ttl = Millis(options.robots_retry_ms);
  // An origin's robots.txt is retried as often as a page would be, then given up.
  robots.unreachable_attempts = std::max(0, options.max_retries) + 1;
  robots.stored = [&store](const std::string& origin) {
    std::optional<StoredRobots> stored;
    if (auto file = store.kept_robots(origin))
      stored = StoredRobots{file->parsed, std::move(file->body),
                            Millis(std::max<std::int64_t>(0, unix_ms_now() - file->fetched_at_ms))};
    return stored;
  };
  return robots;
}

bool request_kept_raw(const config::CrawlOptions& options, const FrontierUrl& url) {
  return options.keep_raw && url.kind == UrlKind::kPage;
}

// Worth another try later: the server or the network may recover.
bool is_transient(const async::FetchResult& result) {
  using async::FetchError;
  switch (result.error) {
    case FetchError::kNone:
      return result.status == 429 || result.status == 500 || result.status == 502 ||
             result.status == 503 || result.status == 504;
    case FetchError::kResolve:
    case FetchError::kConnect:
    case FetchError::kTimeout:
    case FetchError::kReset:
    case FetchError::kTruncated:
    case FetchError::kBadResponse:
      return true;
    default:
      return false;
  }
}

}  // namespace

CrawlEngine::CrawlEngine(async::Loop& loop, const config::CrawlOptions& options,
                         storage::CrawlStore& store)
    : loop_(loop),
      options_(options),
      store_(store),
      agent_(parsers::robots_product_token(options.user_agent)),
      requests_(options),
      multis_(loop.get(), options.concurrency),
      frontier_(limits_from(options)),
      filter_(filter_from(options)),
      gate_(multis_, filter_, AddressPolicy(options.allow_addresses), options.resolve),
      admission_(gate_, filter_, options.max_depth, summary_.skipped),
      html_limits_(html_limits_from(options)),
      parse_budget_(kMaxParseBytes),
      robots_(loop.get(), gate_, robots_options(options, store)),
      wake_timer_(loop.get(), [this] { wake_.notify(); }),
      grace_timer_(loop.get(), [this] { multis_.cancel_all(); }),
      writer_(
          loop.get(), store, [this] { wake_.notify(); }, Millis(options.db_outage_ms)),
      leases_(Millis(options.lease_ms), options.lease_hosts),
      lease_timer_(loop.get(), [this] {
        lease_due_ = true;
        lease_wake_.notify();
      }) {
  html_limits_.cancel = &parses_cancelled_;
  if (store_.leases_hosts())
    frontier_.set_owner([this](std::string_view origin) { return fetchable(origin); });
}

CrawlEngine::~CrawlEngine() {
  multis_.shutdown();
}

void CrawlEngine::stop() {
  if (stopping_) {
    // Asked twice: do not wait for the grace period, nor for a parse.
    multis_.cancel_all();
    parses_cancelled_ = true;
    return;
  }
  stopping_ = true;
  wake_.notify();
}

void CrawlEngine::load_seen(std::size_t chunk) {
  frontier_.expect_seen_loading();
  seen_loader_.spawn(load_seen_chunks(chunk));
}

async::Task<void> CrawlEngine::load_seen_chunks(std::size_t chunk) {
  auto started = Clock::now();
  std::size_t loaded = 0;
  try {
    // Sized once, so the set never holds a table beside its doubled copy.
    auto count = [this] { return store_.seen_url_count(); };
    frontier_.reserve_seen(static_cast<std::size_t>(co_await async::offload(loop_.get(), count)));
    storage::SeenCursor cursor;
    while (scheduling_) {
      auto read = [this, &cursor, chunk] { return store_.seen_urls(cursor, chunk); };
      std::vector<std::string> urls = co_await async::offload(loop_.get(), read);
      for (const std::string& url : urls) frontier_.mark_seen(url);
      loaded += urls.size();
      if (urls.size() < chunk) {
        frontier_.seen_loaded();
        auto took = std::chrono::duration_cast<Millis>(Clock::now() - started);
        log::info("loaded the " + std::to_string(loaded) + " URL(s) earlier runs saw, in " +
                  std::to_string(took.count()) + " ms");
        break;
      }
    }
  } catch (const storage::StorageError& e) {
    // Left incomplete, the set only sends more URLs to the database to decide.
    log::warning(std::string("cannot load the URLs seen by earlier runs: ") + e.what() +
                 "; the database decides instead");
  }
  wake_.notify();
}

std::vector<std::string> CrawlEngine::add_seeds(const std::vector<std::string>& seeds) {
  std::vector<std::string> added;
  // Queued durably too, as the seeds of a start are: a seed the seen test
  // is unsure of then still comes through the database.
  storage::PageRecord queued;
  queued.queue_only = true;
  queued.queued_source = storage::QueueSource::kSeed;
  for (const auto& seed : seeds) {
    filter_.add_seed(seed);
    gate_.add_seed(seed);
    AddOutcome outcome = frontier_.add_seed(seed);
    if (outcome == AddOutcome::kQueued) added.push_back(seed);
    if (outcome == AddOutcome::kQueued || outcome == AddOutcome::kUncertain)
      queued.queued.push_back(seed);
  }
  if (!queued.queued.empty()) writer_.add(std::move(queued));
  wake_.notify();
  return added;
}

void CrawlEngine::pause(bool on) {
  paused_ = on;
  wake_.notify();
}

std::vector<CrawlEngine::OriginStatus> CrawlEngine::origins() const {
  std::vector<OriginStatus> origins;
  for (const Frontier::HostView& view : frontier_.host_views()) {
    std::string_view robots =
        options_.obey_robots ? robots_.state(std::string(view.origin)) : "ignored";
    origins.push_back({view, fetch_log_.tally(view.origin), robots});
  }
  return origins;
}

const CrawlSummary& CrawlEngine::counters() {
  summary_.pages = writer_.written();
  summary_.write_failures = writer_.failed();
  summary_.fenced = writer_.fenced();
  summary_.write_seconds = writer_.write_seconds();
  summary_.write_batches = writer_.batches();
  return summary_;
}

CrawlEngine::Gauges CrawlEngine::gauges() const {
  Gauges g;
  auto now = Clock::now();
  g.queued = frontier_.queued();
  g.spilled = frontier_.spilled();
  g.hosts_in_memory = frontier_.host_count();
  g.seen_bytes = frontier_.seen_memory_bytes();
  g.seen_exact = frontier_.seen_exact();
  g.in_flight = frontier_.in_flight();
  auto hosts = frontier_.host_counts(now);
  g.hosts_active = hosts.active;
  g.hosts_resting = hosts.resting;
  g.hosts_waiting = hosts.waiting;
  g.write_backlog = writer_.backlog();
  g.last_batch_seconds = writer_.last_batch_seconds();
  g.uptime_seconds = std::chrono::duration<double>(now - started_).count();
  constexpr std::size_t kWaitsShown = 5;
  g.waiting = robots_.waits([this](std::string_view origin) { return frontier_.holds(origin); },
                            kWaitsShown, g.waiting_origins);
  return g;
}

async::Task<CrawlSummary> CrawlEngine::run(std::vector<std::string> seeds) {
  auto started = Clock::now();
  for (const auto& seed : seeds) {
    filter_.add_seed(seed);
    gate_.add_seed(seed);
    filter_.take_host_budget(parsers::normalized_host(seed));
    frontier_.add_seed(seed);
  }
  if (keep_running_) revisits_.spawn(poll_revisits());
  refills_.spawn(refill_frontier());
  if (store_.leases_hosts()) lease_rounds_.spawn(keep_leases());

  auto writer_has_room = [this] {
    return writer_.backlog() < kMaxWriteBacklog && writer_.backlog_bytes() < kMaxWriteBacklogBytes;
  };
  while (!stopping_ && !fatal()) {
    while (!paused_ && writer_has_room()) {
      auto next = frontier_.next(Clock::now());
      if (!next) break;
      pages_.spawn(crawl_page(std::move(*next)));
    }
    if (frontier_.refill_wanted()) refill_wake_.notify();
    // A fleet's crawler ends when the whole fleet's work is done, not its own share.
    if (frontier_.finished() && settling_.empty() && !keep_running_) {
      if (fleet_done() || frontier_.page_limit_reached()) break;
      lease_wake_.notify();  // ask the fleet now, not at the next round
    }
    // A full write backlog is waited out; the writer wakes us as it drains.
    if (!paused_ && writer_has_room()) {
      arm_wakeup();
    } else {
      wake_timer_.stop();
    }
    co_await wake_.wait();
  }
  wake_timer_.stop();
  summary_.stopped = stopping_;
  if (fatal()) {
    stopping_ = true;  // ends the revisit poller too
    multis_.cancel_all();
  }
  if (stopping_) {
    // In-flight fetches may finish within the grace period; then they are cancelled.
    grace_timer_.start(Millis(options_.grace_ms));
  }
  // Every task is joined and everything written even if one of them failed:
  // the engine must not die with coroutines still suspended on it.
  scheduling_ = false;
  refill_wake_.notify();
  lease_wake_.notify();
  std::exception_ptr failure;
  try {
    co_await revisits_.join();
    co_await settlers_.join();
    co_await refills_.join();
    co_await seen_loader_.join();
    co_await lease_rounds_.join();
  } catch (...) {
    failure = std::current_exception();
  }
  try {
    co_await pages_.join();
  } catch (...) {
    if (!failure) failure = std::current_exception();
  }
  grace_timer_.stop();
  co_await writer_.flush();
  if (store_.leases_hosts()) co_await release_leases();
  if (failure) std::rethrow_exception(failure);

  summary_.pages = writer_.written();
  summary_.write_failures = writer_.failed();
  summary_.fenced = writer_.fenced();
  summary_.write_error = writer_.first_error();
  summary_.write_seconds = writer_.write_seconds();
  summary_.write_batches = writer_.batches();
  if (writer_.fatal()) {
    summary_.fatal_error = writer_.first_error();
  } else if (!refill_error_.empty()) {
    summary_.fatal_error = refill_error_;
  } else if (!lease_error_.empty()) {
    summary_.fatal_error = lease_error_;
  }
  summary_.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  co_return summary_;
}

// Reads queued URLs back from the database when the frontier's window runs
// low (see Frontier::plan_refill). One refill at a time; the scheduler
// wakes it.
async::Task<void> CrawlEngine::refill_frontier() {
  for (;;) {
    co_await refill_wake_.wait();
    if (!scheduling_ || stopping_) co_return;
    if (!frontier_.refill_wanted()) continue;
    std::optional<RefillPlan> plan;
    std::optional<std::string> error;
    try {
      plan = frontier_.plan_refill();
      // The database must hold every URL spilled so far before it is read.
      async::WakeSignal committed;
      writer_.after_pending([&committed] { committed.notify(); });
      co_await committed.wait();
      auto read = [this, &plan] { return read_refill(store_, *plan); };
      RefillRows rows = co_await async::offload(loop_.get(), read);
      frontier_.refilled(*plan, std::move(rows));
      ++summary_.refills;
      refill_failures_ = 0;
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "unknown error";
    }
    if (error) {
      // The plan's starving hosts were taken off their list: ask for them again.
      if (plan) frontier_.refill_failed(*plan);
      if (++refill_failures_ >= kMaxRefillFailures) {
        refill_error_ = "reading queued URLs back from the database failed " +
                        std::to_string(refill_failures_) + " times: " + *error;
        wake_.notify();  // the scheduler stops the crawl
        co_return;
      }
      log::error("reading queued URLs: " + *error + "; trying again in 1 s");
      co_await async::sleep_for(loop_.get(), Millis(1000));
      refill_wake_.notify();
    }
    wake_.notify();
  }
}

// When only waiting hosts hold work, wake up when the first may start.
void CrawlEngine::arm_wakeup() {
  auto ready = frontier_.next_ready();
  if (!ready) {
    wake_timer_.stop();
    return;
  }
  auto wait = std::chrono::ceil<Millis>(*ready - Clock::now());
  wake_timer_.start(wait);
}

async::Task<void> CrawlEngine::crawl_page(FrontierUrl url) {
  Visit outcome = Visit::kDone;
  std::string failure;
  try {
    outcome = co_await visit(url);
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  if (!failure.empty()) {
    // A page must never take the crawl down; the failure is the page's own.
    outcome = Visit::kDone;
    storage::PageRecord record = start_record(url);
    record.error = "internal";
    record.error_detail = failure;
    ++summary_.fetch_errors;
    if (url.kind == UrlKind::kPage) store(std::move(record));
  }
  if (outcome != Visit::kRetried) {
    // Polled again only once its new visit time is committed, or the
    // poller would see the old one and fetch it twice.
    if (url.revisit) writer_.after_pending([this, done = url.url] { revisiting_.erase(done); });
    writer_.after_pending(
        [this, done = SeenSet::fingerprint(url.url)] { frontier_.committed(done); });
    frontier_.done(url);
  }
  wake_.notify();
}

async::Task<CrawlEngine::Visit> CrawlEngine::visit(FrontierUrl& url) {
  if (!fetchable(url.origin())) {
    // The lease lapsed (this crawler stalled): the URL stays queued for the next holder.
    drop_host(url.origin());
    co_return Visit::kAbandoned;
  }
  storage::PageRecord record = start_record(url);
  Visit outcome = Visit::kDone;
  if (!options_.obey_robots) start_sitemaps(parsers::normalized_origin(url.url), {}, false);
  if (options_.obey_robots && !co_await robots_allow(url, record, outcome)) {
    if (outcome == Visit::kDone && url.kind == UrlKind::kPage) store(std::move(record));
    co_return outcome;
  }

  RequestKind kind = url.kind == UrlKind::kSitemap ? RequestKind::kSitemap : RequestKind::kPage;
  async::FetchRequest request = requests_.build(url.url, kind);
  request.keep_raw = request_kept_raw(options_, url);
  if (url.revisit) {
    if (!url.revisit->etag.empty())
      request.headers.push_back("If-None-Match: " + url.revisit->etag);
    if (!url.revisit->last_modified.empty())
      request.headers.push_back("If-Modified-Since: " + url.revisit->last_modified);
  }
  async::FetchResult result = co_await gate_.fetch(kind, std::move(request));
  if (result.error == async::FetchError::kCancelled) co_return Visit::kAbandoned;
  if (auto decided = retry_later(url, result)) co_return *decided;
  if (url.kind == UrlKind::kSitemap) {
    // Sitemaps are means, not pages: read them, store nothing.
    if (result.ok() && result.status == 200) co_await read_sitemap(url, result);
    if (result.is_redirect()) follow_sitemap_redirect(url, result);
    co_return Visit::kDone;
  }

  record.final_url = result.final_url;
  record.status = result.status;
  record.content_type = result.content_type;
  record.fetched_at_ms = unix_ms_now();
  record.bytes = static_cast<std::int64_t>(result.bytes);
  record.duration_ms = result.timings.total_s * 1000.0;
  record.truncated = result.truncated;
  summary_.bytes += result.bytes;
  if (result.status >= 100 && result.status < 600) ++summary_.responses[result.status / 100];
  if (!result.ok()) {
    ++summary_.fetch_errors;
    ++summary_.errors[std::string(async::to_string(result.error))];
    record.error = async::to_string(result.error);
    record.error_detail = result.error_message;
  } else if (result.status >= 400) {
    ++summary_.http_errors;
    record.error = "http_" + std::to_string(result.status);
  }

  if (result.ok() && result.status == 200) {
    // Hashing is cheap for ordinary pages; a body of megabytes goes to the pool.
    if (result.body.size() <= kInlineHashBytes) {
      record.content_hash = content_hash(result.body);
    } else {
      auto hash = [&result] { return content_hash(result.body); };
      record.content_hash = co_await async::offload(loop_.get(), hash);
    }
  }
  judge_revisit(url, result, record);
  if (record.unchanged) {
    // Nothing new to read: the stored content, links and index stand.
  } else if (result.is_redirect()) {
    follow_redirect(url, result, record);
  } else if (result.ok() && parsers::is_html_content_type(result.content_type)) {
    if (!co_await read_html(url, result, record)) co_return Visit::kAbandoned;
  }
  if (request_kept_raw(options_, url) && result.ok() && !record.unchanged) {
    record.raw_request = std::move(result.raw_request);
    record.raw_head = std::move(result.raw_response_head);
    record.raw_body = std::move(result.body);
  }
  store(std::move(record));
  co_return Visit::kDone;
}

// Every page record passes here on its way to the writer.
void CrawlEngine::store(storage::PageRecord record) {
  if (record.error.empty()) {
    ++summary_.stored_ok;
  } else {
    ++summary_.failed[record.error];
  }
  fetch_log_.note(parsers::normalized_origin(record.url), record);
  if (++notes_since_prune_ >= 1000) {
    notes_since_prune_ = 0;
    fetch_log_.prune([this](std::string_view origin) { return frontier_.holds(origin); });
  }
  writer_.add(std::move(record));
}

storage::PageRecord CrawlEngine::start_record(const FrontierUrl& url) const {
  storage::PageRecord record;
  record.url = url.url;
  record.depth = url.depth;
  record.attempts = url.attempt + 1;
  record.fetched_at_ms = unix_ms_now();
  if (url.revisit) {
    // A revisit that ends early (robots, a failure) keeps the stored page
    // and its interval; judge_revisit decides for the ones that fetched.
    record.revisit = true;
    record.unchanged = true;
    record.revisit_after_s = url.revisit->revisit_after_s;
  }
  return record;
}

// False when the page must not be fetched now; `outcome` then says whether
// it was put back for later (robots.txt unreachable) or is finished.
async::Task<bool> CrawlEngine::robots_allow(FrontierUrl& url, storage::PageRecord& record,
                                            Visit& outcome) {
  std::string_view origin = parsers::normalized_origin(url.url);
  RobotsOutcome robots = co_await robots_.rules_for(std::string(origin));
  if (robots.status != RobotsStatus::kUnreachable) {
    start_sitemaps(origin, robots.rules->sitemaps(), robots.status == RobotsStatus::kParsed);
    if (robots.fresh) {
      // Kept with the crawl on its own, whatever becomes of this page: the
      // cache forgets origins and looks their files up here again.
      storage::PageRecord kept;
      kept.queue_only = true;
      kept.robots = storage::RobotsFile{std::string(origin), robots.status == RobotsStatus::kParsed,
                                        robots.http_status, std::move(robots.body), unix_ms_now()};
      writer_.add(std::move(kept));
    }
  }
  if (robots.status == RobotsStatus::kParsed) {
    if (auto delay = robots.rules->crawl_delay(agent_)) {
      auto wanted = Millis(static_cast<std::int64_t>(*delay * 1000));
      frontier_.set_host_delay(url.origin(), std::min(wanted, Millis(options_.max_crawl_delay_ms)));
    }
  }
  if (robots.status == RobotsStatus::kUnreachable) {
    if (robots.cancelled || (stopping_ && !robots.given_up)) {
      outcome = Visit::kAbandoned;  // asked again by the next run
      co_return false;
    }
    // The attempts are the origin's (RobotsCache counts its fetches), not
    // each URL's: its pages wait together and are settled together.
    std::string origin_name(origin);
    if (robots.fresh) {
      std::string attempts = std::to_string(robots.attempts) + " of " +
                             std::to_string(std::max(0, options_.max_retries) + 1);
      if (robots.given_up) {
        log::warning("robots.txt of " + origin_name + " unreachable (" + robots.detail +
                     "), attempt " + attempts +
                     ": giving the origin up; its queued URLs are recorded as robots_unreachable");
      } else {
        ++summary_.retries;
        auto wait = std::chrono::ceil<std::chrono::seconds>(robots.retry_at - Clock::now());
        log::warning("robots.txt of " + origin_name + " unreachable (" + robots.detail +
                     "), attempt " + attempts + ": its URLs wait; asking again in " +
                     std::to_string(std::max<std::int64_t>(0, wait.count())) + " s");
      }
    }
    if (!robots.given_up) {
      frontier_.retry(std::move(url), robots.retry_at);
      outcome = Visit::kRetried;
      co_return false;
    }
    ++summary_.robots_unreachable;
    record = unreachable_record(url, robots.detail);
    give_up_origin(origin_name, robots.detail);
    co_return false;
  }
  std::string_view path = std::string_view(url.url).substr(origin.size());
  parsers::RobotsDecision decision = robots.rules->check(agent_, path);
  if (decision.allowed) co_return true;
  ++summary_.robots_denied;
  record.error = "robots_disallowed";
  if (decision.too_costly)
    record.error_detail = "robots.txt too costly to match against this URL: refused";
  if (decision.rule)
    record.error_detail = "robots.txt line " + std::to_string(decision.rule->line) +
                          ": Disallow: " + decision.rule->pattern;
  co_return false;
}

// Transient failures are tried again after a back-off, within the budget;
// while stopping, one with tries left is left for the next run. Empty: the
// outcome is final, record it.
std::optional<CrawlEngine::Visit> CrawlEngine::retry_later(FrontierUrl& url,
                                                           const async::FetchResult& result) {
  if (!is_transient(result)) {
    if (result.ok()) frontier_.host_succeeded(url.origin());
    return std::nullopt;
  }
  std::optional<Millis> retry_after;
  if (result.status == 429 || result.status == 503) retry_after = result.retry_after();
  Millis rest = frontier_.host_failed(url.origin(), Clock::now(), retry_after);
  if (url.attempt >= options_.max_retries) return std::nullopt;
  if (stopping_) return Visit::kAbandoned;
  ++summary_.retries;
  frontier_.retry(std::move(url), Clock::now() + rest);
  return Visit::kRetried;
}

void CrawlEngine::follow_redirect(const FrontierUrl& url, const async::FetchResult& result,
                                  storage::PageRecord& record) {
  auto target = parsers::resolve_url(url.url, result.header("location"));
  if (!target) {
    record.error = "bad_redirect";
    record.error_detail = "Location: " + std::string(result.header("location"));
    return;
  }
  record.redirect_to = *target;
  const auto& chain = url.redirect_chain;
  if (*target == url.url || std::find(chain.begin(), chain.end(), *target) != chain.end()) {
    record.error = "redirect_loop";
    return;
  }
  if (static_cast<int>(chain.size()) >= options_.max_redirects) {
    record.error = "too_many_redirects";
    return;
  }
  bool maybe_new = frontier_.seen(*target) == Seen::kNo || !frontier_.seen_complete();
  SkipReason reason = admission_.admit(*target, url.depth, RequestKind::kPage, maybe_new);
  if (reason == SkipReason::kInternalAddress || reason == SkipReason::kBadScheme) {
    // Not a matter of scope: the server tried to send the crawler somewhere it must not go.
    record.error = "blocked";
    record.error_detail = "redirect refused (" + std::string(to_string(reason)) + "): " + *target;
  }
  if (reason != SkipReason::kNone) return;
  if (AddOutcome added = frontier_.add_redirect(*target, url);
      added == AddOutcome::kQueued || added == AddOutcome::kUncertain) {
    record.queued.push_back(*target);
    record.queued_depth = url.depth;
    record.queued_source = storage::QueueSource::kRedirect;
  }
}

// False when the parse was cancelled: the page is left for the next run.
async::Task<bool> CrawlEngine::read_html(const FrontierUrl& url, async::FetchResult& result,
                                         storage::PageRecord& record) {
  // Decoding and parsing both run on the pool; gumbo only ever sees UTF-8.
  // Links are capped and length-checked there too, so a hostile page costs
  // the loop thread and the writer no more than an ordinary one.
  async::ByteBudget::Permit permit =
      co_await parse_budget_.acquire(std::min(result.body.size(), html_limits_.max_html_bytes));
  auto parse = [&result, this] {
    return parsers::parse_html_body(result.body, result.content_type, result.final_url, agent_,
                                    html_limits_);
  };
  parsers::HtmlPage page = co_await async::offload(loop_.get(), parse);
  switch (page.outcome) {
    case parsers::HtmlOutcome::kParsed:
      break;
    case parsers::HtmlOutcome::kBinary:
      record.error = "binary";
      record.error_detail = "served as " + result.content_type + " but binary: not parsed";
      co_return true;
    case parsers::HtmlOutcome::kOverBudget:
      // Kept with what its start held; the error says why the rest is missing.
      record.error = "parse_budget";
      record.error_detail = "parsing took over " + std::to_string(options_.parse_budget_ms) +
                            " ms of CPU (--parse-budget): only the first 64 KiB were read";
      break;
    case parsers::HtmlOutcome::kCancelled:
      co_return false;
  }
  record.links_dropped = page.links_dropped;
  if (page.links_dropped > 0) admission_.count(SkipReason::kTooManyLinks, page.links_dropped);
  if (page.links_too_long > 0) admission_.count(SkipReason::kUrlTooLong, page.links_too_long);

  parsers::RobotsDirectives robots = page.robots;
  for (std::string_view value : result.headers_named("x-robots-tag")) {
    // "otherbot: noindex" applies to otherbot only; a bare list to everyone.
    auto colon = value.find(':');
    if (colon != std::string_view::npos) {
      std::string_view name = value.substr(0, colon);
      if (parsers::robots_product_token(name) != agent_) continue;
      value.remove_prefix(colon + 1);
    }
    auto found = parsers::parse_robots_directives(value);
    robots.noindex = robots.noindex || found.noindex;
    robots.nofollow = robots.nofollow || found.nofollow;
  }

  record.canonical = std::move(page.canonical);
  record.noindex = robots.noindex;
  if (!robots.noindex) {
    record.title = std::move(page.title);
    record.text = std::move(page.text);
  }
  // Followed even while stopping: the scheduler starts nothing new, but the
  // links are queued durably with this page for the next run.
  bool follow = !robots.nofollow;
  record.links.reserve(page.links.size());
  record.queued_depth = url.depth + 1;
  for (auto& link : page.links) {
    if (follow && (!link.nofollow || options_.follow_nofollow) &&
        offer_link(link.url, url.depth + 1))
      record.queued.push_back(link.url);
    record.links.push_back(std::move(link.url));
  }
  co_return true;
}

// True when the link is to be queued durably with its page.
bool CrawlEngine::offer_link(const std::string& link, int depth) {
  Seen seen = frontier_.seen(link);
  if (seen == Seen::kYes) return false;
  // A "perhaps seen" link is most likely a duplicate: it does not use up the
  // budget; while the seen set loads, every unknown link pays, or a page
  // could pass the origin budget then.
  bool maybe_new = seen == Seen::kNo || !frontier_.seen_complete();
  if (admission_.admit(link, depth, RequestKind::kPage, maybe_new) != SkipReason::kNone)
    return false;
  AddOutcome added = frontier_.add(link, depth);
  return added == AddOutcome::kQueued || added == AddOutcome::kUncertain;
}

}  // namespace crawler
