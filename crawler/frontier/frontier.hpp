// Frontier: decides which URL is fetched next, and when. Mercator-shaped:
// one FIFO queue per origin and a heap of them ordered by the time each may
// next start a fetch (politeness delay, crawl-delay, back-off after failures
// and 429/503). It enforces the global and per-host caps on fetches in
// flight, the depth and page limits, and deduplicates on the normalized URL.
// It holds decisions only: no I/O, no threads; time comes in as arguments.
//
// Politeness is owed to servers too: an origin whose name resolves to an
// address (set_address) also waits for that address's room (AddressSlots:
// fetches in flight and spacing of starts per address), however many names
// point there. An origin whose address must be looked up first is not
// scheduled until the caller has resolved it (take_unresolved).
//
// A "host" below is one such queue: an origin (scheme, host, port), the unit
// robots.txt and Crawl-delay apply to. Keying by origin is what keeps one
// origin's trouble (a dead port, an unreachable robots.txt, a back-off,
// Retry-After) from stalling another origin that shares its host name.
//
// Memory is bounded by its limits, not by the crawl: at most `max_queued`
// URLs (and `host_window` per host) are held; a URL added beyond them is
// "spilled": the caller has it queued in the database, and refills read it
// back later (plan_refill / refilled). Hosts left idle are forgotten once
// their politeness delay has passed.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "crawler/frontier/address_slots.hpp"
#include "crawler/frontier/seen_set.hpp"
#include "parsers/crawl_url.hpp"
#include "storage/page_record.hpp"

namespace crawler {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Millis = std::chrono::milliseconds;

struct FrontierLimits {
  std::size_t max_in_flight = 64;
  std::size_t max_per_host = 1;
  std::optional<std::size_t> max_pages;  // distinct URLs started, in all
  Millis min_delay{1000};                // between starts of fetches on one host
  Millis backoff_base{1000};             // first back-off of a failing host
  Millis backoff_cap{10 * 60 * 1000};    // longest back-off
  std::size_t max_queued = 100'000;      // URLs held in memory; the rest wait in the database
  std::size_t host_window = 1'000;       // of them, per host
  std::size_t seen_memory = std::size_t{64} << 20;  // bytes for the seen test (see SeenSet)
  std::size_t max_per_address = 0;  // fetches in flight to one server address; 0: no cap
  Millis address_spacing{0};        // between starts of fetches to one address; 0: none
};

enum class UrlKind { kPage, kSitemap };

// Held per queued URL, so kept small: the origin and host are offsets into
// the URL (parsers::CrawlUrl), found when it was made, not copies beside it
// (see bench/frontier_memory).
struct FrontierUrl {
  parsers::CrawlUrl url;  // normalized
  int depth = 0;
  UrlKind kind = UrlKind::kPage;
  int attempt = 0;                                  // 0 for the first try
  std::vector<std::string> redirect_chain;          // URLs that redirected here, oldest first
  std::shared_ptr<const storage::DuePage> revisit;  // set when the page is stored already

  /// The queue it waits in (see the note at the top).
  std::string_view origin() const { return url.origin(); }
};

// kUncertain: the seen test, no longer exact, says "perhaps seen". The
// caller queues the URL durably all the same: the database knows, and if the
// URL is new a walk over the database's hosts brings it to the frontier.
enum class AddOutcome { kQueued, kDuplicate, kUncertain };

enum class Seen { kNo, kYes, kPerhaps };

/// What a refill should read from the database (see Frontier::plan_refill).
struct RefillPlan {
  std::vector<std::string> hosts_first;  // their window ran dry while the database held more
  std::vector<std::string> full_hosts;   // sorted; their window is full: not read
  bool walk = false;                     // also walk over every host with queued URLs
  std::string after_host;                // the walk goes on after this host
  std::size_t room = 0;                  // URLs memory can take
  std::size_t held = 0;                  // URLs held (read back, they are skipped)
  std::size_t host_window = 0;           // URLs read per host at most
  std::uint64_t spills = 0;              // the frontier's spill count when planned
  std::uint64_t done_seq = 0;            // and its count of fetches ended
};

/// What a refill read: queued URLs per host, oldest first.
struct RefillRows {
  struct Host {
    std::string name;
    std::vector<storage::QueuedUrl> urls;
    bool all = false;  // every queued URL of the host was read
  };
  std::vector<Host> hosts;
  std::string last_host;    // where the walk stopped
  bool walked_all = false;  // every host with queued URLs was visited and read in full
};

class Frontier {
 public:
  explicit Frontier(FrontierLimits limits, std::uint32_t seed = 1);

  /// URLs given to the frontier must be normalized (parsers::normalize_url)
  /// and already judged in scope. Depth limits do not apply to seeds.
  AddOutcome add_seed(parsers::CrawlUrl url);
  AddOutcome add(parsers::CrawlUrl url, int depth);
  /// A redirect target: same depth as the URL that redirected, chain extended.
  AddOutcome add_redirect(parsers::CrawlUrl url, const FrontierUrl& from);
  /// A sitemap document: scheduled like a page (same politeness), but not
  /// counted as one against the page limit.
  AddOutcome add_sitemap(parsers::CrawlUrl url);
  /// The same, for a crawl key held as a string (tests; the crawl makes CrawlUrls).
  AddOutcome add_seed(const std::string& url) { return add_seed(parsers::CrawlUrl::from_key(url)); }
  AddOutcome add(const std::string& url, int depth) {
    return add(parsers::CrawlUrl::from_key(url), depth);
  }
  AddOutcome add_redirect(const std::string& url, const FrontierUrl& from) {
    return add_redirect(parsers::CrawlUrl::from_key(url), from);
  }
  AddOutcome add_sitemap(const std::string& url) {
    return add_sitemap(parsers::CrawlUrl::from_key(url));
  }

  /// A URL an earlier run handled or queued: a duplicate from now on.
  void mark_seen(std::string_view url) { seen_.insert(url); }
  /// Makes room in the seen set for `urls` more about to come through mark_seen.
  void reserve_seen(std::size_t urls) { seen_.reserve(seen_.size() + urls); }
  /// An earlier run's seen set is being loaded (mark_seen) while the crawl
  /// goes on: until seen_loaded(), a URL the set lacks may still be known to
  /// the database, so it is "perhaps seen" and the database decides.
  void expect_seen_loading() { seen_complete_ = false; }
  void seen_loaded() { seen_complete_ = true; }
  bool seen_complete() const { return seen_complete_; }
  /// The database holds queued URLs the frontier has not read (an earlier
  /// run left them): refills will read them.
  void expect_stored_urls() { orphans_at_ = ++spills_; }
  /// A stored page due for a revisit: queued again although seen. Revisits
  /// do not count against the page limit.
  void revisit(parsers::CrawlUrl url, storage::DuePage page);
  void revisit(storage::DuePage page) {
    auto url = parsers::CrawlUrl::from_key(page.url);
    revisit(std::move(url), std::move(page));
  }

  /// Which origins this crawler may fetch, when crawlers share the database
  /// and lease hosts; by default every one. A new page URL is then left to
  /// the database (AddOutcome::kQueued: the caller queues it there), which
  /// alone knows what the fleet fetched: a refill reads it back if it is new
  /// and of an origin this crawler holds; else that origin's holder does.
  void set_owner(std::function<bool(std::string_view origin)> owns) { owns_ = std::move(owns); }
  /// Origins held back (an operator paused or blocked them): next() passes
  /// them over, their URLs stay queued, until let_go() is called for
  /// them. By default none.
  void set_held_back(std::function<bool(std::string_view origin)> held) {
    held_back_ = std::move(held);
  }
  /// An origin held back may go again: it is scheduled as its URLs allow.
  void let_go(std::string_view origin);
  /// Nothing in flight, and every URL left (in memory or spilled) is of an
  /// origin held back: a crawl without a console to let them go is over.
  /// Walks the hosts: ask it when nothing else is left to do.
  bool only_held_back() const;
  /// A newly leased origin: its queued URLs are read from the database by
  /// the next refill, first in line.
  void adopt(std::string_view origin);
  /// The origin is no longer ours: its queued URLs leave memory (the
  /// database keeps them for the new holder); fetches in flight end as usual.
  /// Returns the URLs of the revisits among them.
  std::vector<std::string> drop_host(std::string_view origin);
  /// Takes every URL of the origin queued in memory out of the frontier
  /// (not those in flight), to be finished by the caller without a fetch
  /// (an origin given up). They stay held, so a refill does not read them
  /// back, until the caller reports each committed().
  std::vector<FrontierUrl> take_queued(std::string_view origin);
  /// The origin's URLs in the database changed behind the frontier (the
  /// caller settled them): if it has spilled, the next refill reads it again.
  void read_again(std::string_view origin);
  /// Holds `url`, read from the database by someone other than a refill, so
  /// a refill does not queue it too; false when it is held already (in
  /// memory, in flight, or finishing). Release it with committed().
  bool hold(std::string_view url) { return held_.insert(SeenSet::fingerprint(url)).second; }
  /// Someone other than a refill reads queued rows from the database, to
  /// hold() them: while the returned guard lives, URLs committed meanwhile
  /// stay held, as the read may predate their commit. Reads may overlap.
  class Reading {
   public:
    explicit Reading(Frontier& frontier) : frontier_(frontier) { ++frontier_.reads_; }
    Reading(const Reading&) = delete;
    Reading& operator=(const Reading&) = delete;
    ~Reading() { frontier_.end_read(); }

   private:
    Frontier& frontier_;
  };
  [[nodiscard]] Reading reading() { return Reading(*this); }
  /// How an origin's server address is found when the origin first comes:
  /// the address, "" when it is not known and none applies (no address
  /// limits for it), or nullopt when it must be looked up first: the origin
  /// then waits, unscheduled, until set_address. Unset: no address limits.
  using AddressLookup = std::function<std::optional<std::string>(std::string_view origin)>;
  void set_address_lookup(AddressLookup lookup) { address_lookup_ = std::move(lookup); }
  /// Origins waiting for their address to be looked up, each once.
  std::vector<std::string> take_unresolved() { return std::exchange(unresolved_, {}); }
  /// The origin's server address (or "": unknown): its fetches count there
  /// from now on, those in flight included, and it may be scheduled.
  void set_address(std::string_view origin, std::string address);
  /// The address set for a known origin; "" when none is.
  std::string_view address_of(std::string_view origin) const;
  /// A known origin's address must be found again before it is scheduled
  /// (a fleet grants each newly claimed origin its address): it waits,
  /// unscheduled, among the unresolved, until set_address.
  void readdress(std::string_view origin);
  /// Whether any per-address limit applies.
  bool address_limits() const { return address_lookup_ && addresses_.limited(); }
  /// The fetch slot `url` took went to another request of its origin (its
  /// robots.txt): the URL goes back first in line and waits for the
  /// origin's next turn, as if it had not started.
  void put_back(FrontierUrl url);
  std::size_t address_in_flight(std::string_view address) const {
    return addresses_.in_flight(address);
  }

  /// More of the origin is likely to be fetched after the fetch now
  /// starting: URLs of it wait to start (in memory or spilled), or none of
  /// its fetches has ended yet and this one `may_link` to more (below the
  /// depth limit): an origin's first page is where its other URLs are found.
  bool expects_more(std::string_view origin, bool may_link) const;
  /// Nothing of the origin is queued, in flight, spilled, resting or
  /// waiting out its delay: its lease can go.
  bool idle(std::string_view origin, TimePoint now) const;

  /// The next URL allowed to start at `now`, if any; in flight until done() or retry().
  std::optional<FrontierUrl> next(TimePoint now);
  /// When a waiting host may start; empty when nothing waits on time.
  std::optional<TimePoint> next_ready() const;

  /// The fetch of `url` ended and needs no retry.
  void done(const FrontierUrl& url);
  /// The fetch of `url` ended and should be tried again, not before `not_before`.
  void retry(FrontierUrl url, TimePoint not_before);

  /// The URL's outcome is committed to the database: a refill may no longer
  /// find it queued there, so the frontier stops guarding against reading it twice.
  /// `fingerprint` is SeenSet::fingerprint(url): a callback waiting for the
  /// commit keeps 8 bytes, not a copy of the URL.
  void committed(std::uint64_t fingerprint);

  /// A refill is due: URLs wait in the database and memory has room for them.
  bool refill_wanted() const;
  /// What to read. Take it only when every URL spilled so far is committed.
  RefillPlan plan_refill();
  /// Takes what the plan read: URLs not held already, within the windows.
  /// Returns how many were queued.
  std::size_t refilled(const RefillPlan& plan, RefillRows rows);
  /// The plan could not be read: its hosts ask again.
  void refill_failed(const RefillPlan& plan);
  /// URLs spilled to the database and not read back yet (as far as known).
  bool spilled() const { return orphans_pending() || uncertain_pending() || spilled_hosts_ > 0; }

  /// The host answered: its failure streak ends.
  void host_succeeded(std::string_view host);
  /// The host failed (network error, 5xx, 429): it rests for `retry_after`
  /// when the server said so, else for an exponential back-off with jitter.
  /// Returns how long it rests.
  Millis host_failed(std::string_view host, TimePoint now,
                     std::optional<Millis> retry_after = std::nullopt);
  /// A longer gap between starts for one host (robots.txt Crawl-delay).
  void set_host_delay(std::string_view host, Millis delay);

  bool finished() const {
    return in_flight_ == 0 &&
           ((queued_ == 0 && !spilled()) || (page_limit_reached() && retries_queued_ == 0));
  }
  /// Changes the page limit (a fleet's crawler is given its part of the
  /// fleet's budget as it goes); hosts held back by the old one are scheduled.
  void set_page_limit(std::optional<std::size_t> pages);
  /// --max-pages URLs were started: no new page starts (retries, revisits and sitemaps may).
  bool page_limit_reached() const { return limits_.max_pages && started_ >= *limits_.max_pages; }
  std::size_t queued() const { return queued_; }
  std::size_t in_flight() const { return in_flight_; }
  std::size_t started() const { return started_; }
  Seen seen(std::string_view url) const {
    if (!seen_.contains(url)) return seen_complete_ ? Seen::kNo : Seen::kPerhaps;
    return seen_.exact() ? Seen::kYes : Seen::kPerhaps;
  }
  std::size_t seen_memory_bytes() const { return seen_.memory_bytes(); }
  bool seen_exact() const { return seen_.exact(); }
  std::size_t host_count() const { return hosts_.size(); }
  bool holds(std::string_view origin) const { return hosts_.contains(origin); }

  struct HostCounts {
    std::size_t active = 0;   // fetches in flight
    std::size_t resting = 0;  // backing off after failures
    std::size_t waiting = 0;  // none in flight, URLs queued, waiting out their delay
  };
  HostCounts host_counts(TimePoint now) const;

  /// One origin as the console shows it.
  struct HostView {
    std::string_view origin;
    std::size_t queued = 0;
    std::size_t in_flight = 0;
    TimePoint last_start{};  // epoch: never started
    TimePoint next_start{};
    TimePoint resting_until{};
    int failures = 0;  // in a row
    bool spilled = false;
  };
  /// Every origin held now; the views are valid until the frontier next changes.
  std::vector<HostView> host_views() const;
  /// One origin, if held; valid until the frontier next changes.
  std::optional<HostView> host_view(std::string_view origin) const;

 private:
  struct Host {
    std::deque<FrontierUrl> urls;
    std::size_t in_flight = 0;
    Millis delay{0};
    TimePoint last_start{};
    TimePoint next_start{};  // earliest start allowed by the delay
    TimePoint resting_until{};
    int failures = 0;  // consecutive
    bool in_heap = false;
    bool spilled = false;          // the database holds URLs of it that memory does not
    bool starving = false;         // listed for the next refill
    std::uint64_t last_spill = 0;  // spills_ when it last spilled
    std::uint64_t last_done = 0;   // done_seq_ when a fetch of it last ended
    bool awaiting_done = false;    // read in vain: read again after a fetch ends
    bool resolving = false;        // its address is being looked up: not scheduled
    bool parked = false;           // waiting for its address's room (AddressSlots)
    bool called = false;           // let through by its address's line: goes before newcomers
    std::string address;           // its server's address; "": none known
  };
  struct Ready {
    TimePoint at;
    std::uint64_t order;        // FIFO among equal times
    std::string host;           // or the address, for a wake-up of an address
    bool address_wake = false;  // parked origins of the address may try again
    bool operator>(const Ready& other) const {
      return at != other.at ? at > other.at : order > other.order;
    }
  };

  // Looked up by string_view without building a string (C++20 transparent hashing).
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };
  using HostMap = std::unordered_map<std::string, Host, NameHash, std::equal_to<>>;
  // Unless seen. A `durable` URL (the caller queues it in the database) is
  // spilled when memory is full.
  AddOutcome enqueue(FrontierUrl url, bool durable);
  void push(FrontierUrl url);         // seen or not; always held in memory
  bool spill(std::string_view host);  // true: not held, the database keeps it
  AddOutcome uncertain();             // a "perhaps seen" URL left to the database
  Host& host(std::string_view name);
  HostMap::iterator host_entry(std::string_view name);
  void schedule(const std::string& name, Host& host);
  HostMap::iterator release(const FrontierUrl& url);
  void forget_idle_hosts();
  void set_spilled(Host& host, bool spilled);
  void check_starving(const std::string& name, Host& host);
  void park(const std::string& name, Host& host, TimePoint now);
  void wake_address(const std::string& address, TimePoint now);
  void address_freed(const std::string& address);
  void end_read();
  bool orphans_pending() const { return orphans_at_ > walked_at_; }
  bool uncertain_pending() const { return uncertain_at_ > walked_at_; }
  bool walk_wanted() const;

  bool owns(std::string_view origin) const { return !owns_ || owns_(origin); }

  FrontierLimits limits_;
  std::function<bool(std::string_view)> owns_;       // empty: every origin
  std::function<bool(std::string_view)> held_back_;  // empty: none
  AddressLookup address_lookup_;                     // empty: no address limits
  AddressSlots addresses_;
  std::vector<std::string> unresolved_;
  SeenSet seen_;
  bool seen_complete_ = true;  // false while an earlier run's seen set loads
  HostMap hosts_;
  std::priority_queue<Ready, std::vector<Ready>, std::greater<>> ready_;
  std::uint64_t order_ = 0;
  std::minstd_rand jitter_;
  std::size_t queued_ = 0;
  std::size_t retries_queued_ = 0;
  std::size_t in_flight_ = 0;
  std::size_t started_ = 0;
  // URLs in memory, in flight, or finished but not yet committed: a refill
  // that reads one of them from the database must not queue it twice.
  std::unordered_set<std::uint64_t> held_;
  // Spilled URLs: of hosts held in memory, such hosts are flagged; of other
  // hosts ("orphans"), a walk over every host in the database finds them.
  // "Perhaps seen" URLs are walked for only when the frontier is idle: most
  // of them were seen indeed.
  std::uint64_t spills_ = 0;        // URLs left to the database, ever
  std::uint64_t orphans_at_ = 0;    // spills_ at the last orphan
  std::uint64_t uncertain_at_ = 0;  // spills_ at the last "perhaps seen" URL
  std::uint64_t walked_at_ = 0;     // spills_ when a walk last read them all
  std::uint64_t done_seq_ = 0;      // fetches ended, ever
  std::size_t spilled_hosts_ = 0;
  std::vector<std::string> starving_;
  // While a read of queued rows runs, commits are not yet known to it (its
  // snapshot may be older): URLs committed meanwhile stay held until it is done.
  int reads_ = 0;
  std::vector<std::uint64_t> committed_while_reading_;
  std::string refill_cursor_;
  TimePoint now_{};              // the latest time next() was given
  std::size_t sweep_at_ = 4096;  // host count at which idle hosts are forgotten
};

}  // namespace crawler
