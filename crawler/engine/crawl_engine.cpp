// CrawlEngine: see crawl_engine.hpp.
#include "crawler/engine/crawl_engine.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include "crawler/base/log.hpp"
#include "crawler/base/unix_time.hpp"
#include "parsers/crawl_url.hpp"
#include "parsers/robots_txt.hpp"

namespace crawler {

namespace {

// Held back from the scheduler when this many records, or bytes, wait for
// the writer: memory stays bounded when the disk is slower than the
// network, and a kill -9 loses at most this much fetched work.
constexpr std::size_t kMaxWriteBacklog = 256;
constexpr std::size_t kMaxWriteBacklogBytes = 32 << 20;

// DNS answers kept (about 100 bytes each).
constexpr std::size_t kDnsCacheNames = 100'000;

// Politeness per server address, unless set: 4 fetches in flight and 4
// starts a second, but never stricter than what the operator allowed one
// origin (--per-host, --delay): a single site crawled at --delay 0
// --per-host 64 is not slowed by the address it lives on.
constexpr std::size_t kAddressInFlight = 4;
constexpr std::int64_t kAddressSpacingMs = 250;

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
  limits.max_per_address =
      options.per_address.value_or(std::max(kAddressInFlight, options.per_host));
  if (options.per_address_rate) {
    auto rate = static_cast<std::int64_t>(*options.per_address_rate);
    limits.address_spacing = Millis((1000 + rate - 1) / rate);  // rounded up: never faster
  } else {
    limits.address_spacing = Millis(std::min<std::int64_t>(kAddressSpacingMs, options.delay_ms));
  }
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

// An order as the log says it: "paused, delay 1500 ms".
std::string order_text(const storage::OriginControl& control) {
  std::string said = control.blocked  ? "blocked for the rest of the crawl"
                     : control.paused ? "paused"
                                      : "resumed";
  if (control.delay_ms >= 0) said += ", delay " + std::to_string(control.delay_ms) + " ms";
  return said;
}

}  // namespace

CrawlEngine::CrawlEngine(async::Loop& loop, const config::CrawlOptions& options,
                         storage::CrawlStore& store)
    : loop_(loop),
      options_(options),
      store_(store),
      agent_(parsers::robots_product_token(options.user_agent)),
      multis_(loop.get(), options.concurrency, options.idle_connections.value_or(0)),
      frontier_(limits_from(options)),
      filter_(filter_from(options)),
      dns_({.ttl = Millis(options.dns_ttl_ms), .max_names = kDnsCacheNames}),
      gate_(multis_, filter_, AddressPolicy(options.allow_addresses), options.resolve),
      admission_(gate_, filter_, options.max_depth, summary_.skipped),
      robots_(loop.get(), gate_, robots_options(options, store)),
      wake_timer_(loop.get(), [this] { wake_.notify(); }),
      grace_timer_(loop.get(), [this] { multis_.cancel_all(); }),
      writer_(
          loop.get(), store, [this] { wake_.notify(); }, Millis(options.db_outage_ms)),
      context_{loop, options_, agent_, frontier_, admission_, writer_, summary_, stopping_},
      sink_(context_),
      resolve_(context_, dns_),
      lookups_(context_, resolve_,
               [this](std::string origin, std::string address) {
                 leases_.address_found(std::move(origin), std::move(address));
                 wake_.notify();
               }),
      revisit_policy_(context_),
      sitemaps_(context_),
      settler_(context_, store, sink_, revisit_policy_,
               {.revisit_settled = [this](const std::string& url) { revisits_.finished(url); },
                .settled = [this] { wake_.notify(); }}),
      visit_(context_, resolve_, gate_, robots_, sitemaps_, settler_, sink_, revisit_policy_),
      refiller_(context_, store, [this] { wake_.notify(); }),
      revisits_(context_, store,
                {.fetchable = [this](std::string_view origin) { return leases_.fetchable(origin); },
                 .queued = [this] { wake_.notify(); }}),
      leases_(context_, store,
              {.revisit_dropped = [this](const std::string& url) { revisits_.finished(url); },
               .changed = [this] { wake_.notify(); }}),
      fleet_(context_, store, [this](const std::vector<storage::OriginControl>& controls) {
        take_fleet_controls(controls);
      }) {
  frontier_.set_held_back([this](std::string_view origin) { return controls_.held(origin); });
  for (const std::string& entry : options_.resolve)
    if (!dns_.pin(entry))
      log::warning("--resolve entry '" + entry +
                   "' not understood (HOST:PORT:ADDRESS): left to libcurl");
  gate_.use_dns(dns_);
  resolve_.require_grants([this] { return leases_.shares_addresses(); });
  gate_.use_first_address_only([this] { return leases_.shares_addresses(); });
  frontier_.set_address_lookup([this](std::string_view origin) -> std::optional<std::string> {
    if (!leases_.address_settled(origin)) return std::nullopt;  // the fleet grants it first
    return resolve_.known(origin);
  });
}

CrawlEngine::~CrawlEngine() {
  multis_.shutdown();
}

void CrawlEngine::stop() {
  if (stopping_) {
    // Asked twice: do not wait for the grace period, nor for a parse.
    multis_.cancel_all();
    visit_.cancel_parses();
    return;
  }
  stopping_ = true;
  wake_.notify();
}

void CrawlEngine::load_seen(std::size_t chunk) {
  refiller_.load_seen(chunk);
}

std::vector<std::string> CrawlEngine::add_seeds(const std::vector<std::string>& seeds) {
  std::vector<std::string> added;
  // Queued durably too, as the seeds of a start are: a seed the seen test
  // is unsure of then still comes through the database.
  storage::PageRecord queued;
  queued.queue_only = true;
  queued.queued_source = storage::QueueSource::kSeed;
  for (const auto& seed : seeds) {
    auto url = parsers::CrawlUrl::from_key(seed);
    filter_.add_seed(url);
    gate_.add_seed(url);
    AddOutcome outcome = frontier_.add_seed(std::move(url));
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

void CrawlEngine::control_origin(storage::OriginControl control) {
  control.changed_at_ms = unix_ms_now();
  apply_control(control);
  log::info("the console's operator: origin " + control.origin + " " + order_text(control));
  storage::PageRecord kept;
  kept.queue_only = true;
  kept.control = std::move(control);
  writer_.add(std::move(kept));
  wake_.notify();
}

void CrawlEngine::restore_origin_controls(const std::vector<storage::OriginControl>& controls) {
  for (const storage::OriginControl& control : controls) apply_control(control);
  if (!controls.empty())
    log::info("restored the operator's orders for " + std::to_string(controls.size()) +
              " origin(s)");
}

// The newest order wins, by the time it was given (as the store keeps it):
// an order given here and not yet written is not undone by an older one read.
void CrawlEngine::take_fleet_controls(const std::vector<storage::OriginControl>& controls) {
  bool changed = false;
  for (const storage::OriginControl& control : controls) {
    const storage::OriginControl* held = controls_.find(control.origin);
    if (held && held->changed_at_ms >= control.changed_at_ms) continue;
    apply_control(control);
    changed = true;
    log::info("an operator of the fleet: origin " + control.origin + " " + order_text(control));
  }
  if (changed) wake_.notify();
}

void CrawlEngine::apply_control(const storage::OriginControl& control) {
  bool had_delay = controls_.delay(control.origin).has_value();
  controls_.set(control);
  if (control.delay_ms >= 0 || had_delay) apply_origin_delay(control.origin);
  if (!controls_.held(control.origin)) frontier_.let_go(control.origin);
}

// The operator's delay, or the crawl's when the order has none.
void CrawlEngine::apply_origin_delay(std::string_view origin) {
  frontier_.set_host_delay(origin, controls_.delay(origin).value_or(Millis(options_.delay_ms)));
}

CrawlEngine::State CrawlEngine::state(TimePoint now) const {
  if (stopping_ || fatal()) return State::kStopping;
  if (!scheduling_) return State::kDone;  // run() ended by itself (a page limit, say)
  if (paused_) return State::kPaused;
  bool quiet = frontier_.in_flight() == 0 && !settler_.busy() && writer_.backlog() == 0 &&
               revisits_.outstanding() == 0;
  if (!quiet) return State::kRunning;
  if (frontier_.finished() || (frontier_.queued() == 0 && !frontier_.spilled()))
    return State::kDone;
  // Queued URLs, none due soon: origins resting, waiting, or held back by the operator.
  auto ready = frontier_.next_ready();
  if (frontier_.queued() > 0 && (!ready || *ready > now + kIdleAfter)) return State::kIdle;
  return State::kRunning;
}

std::vector<CrawlEngine::OriginStatus> CrawlEngine::origins() const {
  std::vector<OriginStatus> origins;
  for (const Frontier::HostView& view : frontier_.host_views()) {
    std::string_view robots =
        options_.obey_robots ? robots_.state(std::string(view.origin)) : "ignored";
    origins.push_back({view, sink_.fetch_log().tally(view.origin), robots});
  }
  return origins;
}

std::optional<CrawlEngine::Progress> CrawlEngine::progress() const {
  if (!options_.max_pages) return std::nullopt;
  if (!leases_.active()) return Progress{writer_.written(), *options_.max_pages, false};
  auto stored = leases_.run_pages_stored();
  if (!stored) return std::nullopt;
  return Progress{*stored, *options_.max_pages, true};
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
  if (auto stored = store_.queued_url_count())
    g.queued_stored = static_cast<std::size_t>(std::max<std::int64_t>(0, *stored));
  g.revisits_outstanding = revisits_.outstanding();
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
    auto url = parsers::CrawlUrl::from_key(seed);
    filter_.add_seed(url);
    gate_.add_seed(url);
    filter_.take_host_budget(url.host());
    frontier_.add_seed(std::move(url));
  }
  if (keep_running_) revisits_.start();
  refiller_.start();
  leases_.start(keep_running_);
  fleet_.start();

  auto writer_has_room = [this] {
    return writer_.backlog() < kMaxWriteBacklog && writer_.backlog_bytes() < kMaxWriteBacklogBytes;
  };
  while (!stopping_ && !fatal()) {
    lookups_.start();
    while (!paused_ && writer_has_room()) {
      auto next = frontier_.next(Clock::now());
      if (!next) break;
      pages_.spawn(crawl_page(std::move(*next)));
    }
    if (frontier_.refill_wanted()) refiller_.wanted();
    // A fleet's crawler ends when the whole fleet's work is done, not its own share.
    // Without a console (crawl), URLs of origins the operator paused or
    // blocked in an earlier serve stay queued for a later one.
    bool over = frontier_.finished() || (!keep_running_ && frontier_.only_held_back());
    if (over && !settler_.busy() && !keep_running_) {
      if (leases_.fleet_done() || (frontier_.page_limit_reached() && leases_.page_budget_spent()))
        break;
      leases_.ask_now();
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
  refiller_.stop();
  leases_.stop();
  fleet_.stop();
  std::exception_ptr failure;
  try {
    co_await revisits_.join();
    co_await settler_.join();
    co_await refiller_.join();
    co_await leases_.join();
    co_await fleet_.join();
    co_await lookups_.join();
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
  co_await leases_.release_all();
  if (failure) std::rethrow_exception(failure);

  summary_.pages = writer_.written();
  summary_.write_failures = writer_.failed();
  summary_.fenced = writer_.fenced();
  summary_.write_error = writer_.first_error();
  summary_.write_seconds = writer_.write_seconds();
  summary_.write_batches = writer_.batches();
  if (writer_.fatal()) {
    summary_.fatal_error = writer_.first_error();
  } else if (!refiller_.error().empty()) {
    summary_.fatal_error = refiller_.error();
  } else if (!leases_.error().empty()) {
    summary_.fatal_error = leases_.error();
  }
  summary_.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  co_return summary_;
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

// Kept apart from the work that follows a visit (page_failed, page_done):
// a coroutine's frame holds every local of its body for the whole visit, and
// a PageRecord alone is 800 bytes, for each page in flight.
async::Task<void> CrawlEngine::crawl_page(FrontierUrl url) {
  // The operator's delay holds around the visit (its robots step sets Crawl-delay).
  if (controls_.delay(url.origin())) apply_origin_delay(url.origin());
  VisitOutcome outcome = VisitOutcome::kAbandoned;
  try {
    if (leases_.fetchable(url.origin())) {
      outcome = co_await visit_.run(url);
    } else {
      // The lease lapsed (this crawler stalled): the URL stays queued for the next holder.
      leases_.drop_host(url.origin());
    }
  } catch (const std::exception& e) {
    outcome = page_failed(url, e.what());
  } catch (...) {
    outcome = page_failed(url, "unknown exception");
  }
  page_done(url, outcome);
}

// A page must never take the crawl down; the failure is the page's own.
VisitOutcome CrawlEngine::page_failed(const FrontierUrl& url, std::string failure) {
  storage::PageRecord record = sink_.start(url);
  record.error = "internal";
  record.error_detail = std::move(failure);
  ++summary_.fetch_errors;
  if (url.kind == UrlKind::kPage) sink_.store(std::move(record), url.origin());
  return VisitOutcome::kDone;
}

void CrawlEngine::page_done(FrontierUrl& url, VisitOutcome outcome) {
  if (controls_.delay(url.origin())) apply_origin_delay(url.origin());
  if (outcome != VisitOutcome::kRetried) {
    // Polled again only once its new visit time is committed, or the
    // poller would see the old one and fetch it twice.
    if (url.revisit)
      writer_.after_pending([this, done = url.url.text()] { revisits_.finished(done); });
    writer_.after_pending(
        [this, done = SeenSet::fingerprint(url.url.text())] { frontier_.committed(done); });
    frontier_.done(url);
  }
  wake_.notify();
}

}  // namespace crawler
