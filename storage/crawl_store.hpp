// CrawlStore: what a crawl needs from its database, whichever engine holds
// it: SQLite (storage/sqlite/, the embedded default) or PostgreSQL
// (storage/postgres/). The engine talks to this interface only; which one
// it gets is decided by open_crawl_store() from the --db value.
//
// Threads: the write side (write, queue, page_count, left_by_earlier_runs)
// takes one call at a time: the page writer's job on the pool, or the loop
// thread before the crawl starts. Each kind of read has its own connection
// and runs beside the writer, one call at a time per kind, and sees what
// the writer committed. Every failure throws StorageError.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "storage/page_record.hpp"
#include "storage/storage_error.hpp"

namespace crawler::storage {

class CopyTarget;  // crawl_copy.hpp

/// What an earlier run left: URLs known as queued or done (a seen set to
/// load through seen_urls), and whether some are still queued (read back
/// through queued_origin_after and oldest_queued).
struct LeftByEarlierRuns {
  bool seen = false;
  bool queued = false;
};

/// One round of host leases (see CrawlStore::lease).
struct LeaseRound {
  std::vector<std::string> renew;    // origins held and still wanted
  std::vector<std::string> release;  // origins held and done with
  std::size_t claim = 0;             // new origins wanted, at most
  std::int64_t lease_ms = 30'000;    // how long a renewed or claimed lease lasts
  bool ask_fleet = false;            // also ask whether the whole fleet is done
  bool claim_due = false;            // claim origins with pages due for a revisit too (serve)
  // Also count the fleet (LeaseGrant::live_workers, origins_with_work), the
  // origins up to this many per live crawler: a share is never larger.
  std::size_t count_fleet = 0;
  bool leaving = false;  // this crawler stops: it no longer counts as a live one
  // A page budget over the fleet (--max-pages; 0: none): the pages this
  // crawler started so far, and how many more it would start before its next round.
  std::int64_t max_pages = 0;
  std::int64_t pages_started = 0;
  std::int64_t pages_wanted = 0;
  // Held origins' server addresses, newly learned (origin, address). Each is
  // kept when no other live crawler holds an origin on that address, and
  // given up otherwise (LeaseGrant::yielded): one crawler at a time serves
  // an address, so that its per-address limits are the fleet's.
  std::vector<std::pair<std::string, std::string>> addresses;
};

/// What a round of leases granted.
struct LeaseGrant {
  std::vector<std::string> renewed;  // of LeaseRound::renew, those still held
  std::vector<std::string> claimed;  // newly held origins with queued URLs (or due pages)
  bool fleet_done = false;           // asked: no URL queued, no origin leased by another
  // Counted (LeaseRound::count_fleet): crawlers seen within a lease that did
  // not stop, this one included; origins with queued URLs, a live lease,
  // or (claim_due) pages due for a revisit.
  std::size_t live_workers = 0;
  std::size_t origins_with_work = 0;
  // With a page budget: the pages this crawler may start in all, and whether
  // the fleet's budget is all given out.
  std::int64_t pages_allowed = 0;
  bool pages_spent = false;
  // Of LeaseRound::addresses, the origins this crawler gave up (another
  // serves their address) or no longer held; the others' addresses are its.
  std::vector<std::string> yielded;
  // With a page budget: the pages the run's crawlers (this one among them) have stored.
  std::int64_t run_pages_stored = 0;
};

/// Where a walk over the seen set stands (an opaque, increasing position).
struct SeenCursor {
  std::int64_t after = 0;
};

class CrawlStore {
 public:
  CrawlStore() = default;
  CrawlStore(const CrawlStore&) = delete;
  CrawlStore& operator=(const CrawlStore&) = delete;
  virtual ~CrawlStore() = default;

  // ---- The write side -------------------------------------------------------------------

  /// Writes every record in one transaction: a batch lands whole or not at
  /// all. Returns how many pages it left out because this crawler no longer
  /// holds their origin's lease (fencing: a newer holder fetches them), or
  /// because another crawler of the fleet stored them already.
  virtual std::size_t write(std::span<const PageRecord> pages) = 0;
  /// Marks `urls` queued at `depth` unless already known as queued or done.
  virtual void queue(const std::vector<std::string>& urls, int depth,
                     QueueSource source = QueueSource::kSeed) = 0;
  /// Pages stored (for summaries and tests).
  virtual std::int64_t page_count() = 0;
  virtual LeftByEarlierRuns left_by_earlier_runs() = 0;
  /// The operators' orders for origins (PageRecord::control), as kept.
  /// A store many crawlers share reads them beside the writer, so that a
  /// crawler may poll for the orders another one's console gave.
  virtual std::vector<OriginControl> origin_controls() { return {}; }
  /// URLs queued in the database: counted once when the store opens, then
  /// kept current without a count per call, by the writer (SQLite: as of
  /// its last committed write) or, where many crawlers write (PostgreSQL),
  /// as of the last refresh_queued_url_count(). Any thread. Empty for a
  /// store that keeps no count.
  virtual std::optional<std::int64_t> queued_url_count() const { return std::nullopt; }
  /// Reads the count queued_url_count gives again, where other crawlers
  /// change it too: a cheap read (no count of URLs) beside the writer. A
  /// store whose writer keeps the count alone has nothing to do.
  virtual void refresh_queued_url_count() {}

  // ---- Reads beside the writer ------------------------------------------------------------

  /// The first origin with queued URLs that sorts after `after`.
  virtual std::optional<std::string> queued_origin_after(const std::string& after) = 0;
  /// The oldest `limit` queued URLs of `origin`.
  virtual std::vector<QueuedUrl> oldest_queued(const std::string& origin, std::size_t limit) = 0;
  /// The next `limit` URLs known as queued or done after `cursor`, which
  /// moves on; fewer (perhaps none) at the end.
  virtual std::vector<std::string> seen_urls(SeenCursor& cursor, std::size_t limit) = 0;
  /// How many URLs a walk of seen_urls from the start would give, as of now.
  virtual std::int64_t seen_url_count() = 0;
  /// The robots.txt kept for `origin`, if any. Any thread.
  virtual std::optional<RobotsFile> kept_robots(const std::string& origin) = 0;
  /// Pages whose next visit is at or before `now_ms`, soonest first, after
  /// `cursor`: a reader that goes on from the last page it got walks past
  /// pages still waiting their turn instead of reading them again.
  virtual std::vector<DuePage> due_pages(std::int64_t now_ms, int limit, DueCursor cursor) = 0;

  // ---- Host leases: a store many crawlers share ------------------------------------------

  /// Whether crawlers share this store: each then fetches only the origins
  /// it leases, and the reads above see only those. A store with one
  /// crawler (SQLite's writer lock) has every origin to itself.
  virtual bool leases_hosts() const { return false; }
  /// Renews, releases and claims leases in one transaction. Any one thread.
  virtual LeaseGrant lease(const LeaseRound& round) {
    LeaseGrant grant;
    grant.renewed = round.renew;
    grant.fleet_done = true;
    return grant;
  }
};

struct StoreOptions {
  /// False: new pages stay out of the full-text index (faster crawls).
  bool index_text = true;
  /// SQLite: take the database's writer lock (one crawler per file). A
  /// shared server takes many writers and ignores it.
  bool exclusive_writer = false;
};

/// Opens (creating and migrating if needed) the store `db` names: a
/// postgresql:// or postgres:// URI, or else a SQLite file path.
std::unique_ptr<CrawlStore> open_crawl_store(const std::string& db, const StoreOptions& options);

/// Opens the database `db` names (as open_crawl_store does) as the target of
/// `crawler copy`: its schema made, nothing written until commit().
std::unique_ptr<CopyTarget> open_copy_target(const std::string& db);

/// Whether `db` names a PostgreSQL database rather than a SQLite file. For
/// the two places that pick a backend by the name, open_crawl_store (and
/// open_copy_target) here and open_crawl_reader (crawl_reader.hpp); code
/// given a store or a reader has no need to ask.
bool is_postgres_uri(const std::string& db);

/// `db` as it may be shown or logged: a URI's password replaced by ***.
std::string display_name(const std::string& db);

}  // namespace crawler::storage
