// PgStore: the CrawlStore of a PostgreSQL database, for crawls that outgrow
// one machine's file. libpq's blocking calls run where the CrawlStore
// contract already puts database work: the page writer's job and the reads
// on the thread pool, never the loop thread once the crawl runs. The writer
// and each kind of read have their own connection, re-established when
// lost (a batch that met a lost connection fails as kBusy and is tried again).
//
// A batch is one transaction of about ten statements, each prepared once
// per session and each over the whole batch (arrays, unnest): the pages'
// URL ids, the pages in one INSERT, the new URLs in one sorted INSERT (in
// their final state), then the URL states, links, hosts and queued URLs.
// The search vector is made here, not on the server (search_terms.hpp).
//
// Many crawlers share the database: each registers as a worker and leases
// hosts (origins) in the `hosts` table. Its refills and revisits read only
// the origins it holds, and a batch stores a page only if the origin's
// lease epoch is still the one this worker claimed (fencing): a worker that
// stalled past its lease cannot store what the new holder fetches.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "storage/crawl_store.hpp"
#include "storage/postgres/pg.hpp"
#include "storage/postgres/url_id_cache.hpp"

namespace crawler::storage {

class PgStore final : public CrawlStore {
 public:
  /// Connects to `uri` and creates or migrates the schema. Throws StorageError.
  PgStore(const std::string& uri, const StoreOptions& options);

  std::size_t write(std::span<const PageRecord> pages) override;
  void queue(const std::vector<std::string>& urls, int depth,
             QueueSource source = QueueSource::kSeed) override;
  std::int64_t page_count() override;
  LeftByEarlierRuns left_by_earlier_runs() override;
  std::vector<OriginControl> origin_controls() override;
  std::optional<std::int64_t> queued_url_count() const override;
  void refresh_queued_url_count() override;

  std::optional<std::string> queued_origin_after(const std::string& after) override;
  std::vector<QueuedUrl> oldest_queued(const std::string& origin, std::size_t limit) override;
  std::vector<std::string> seen_urls(SeenCursor& cursor, std::size_t limit) override;
  std::int64_t seen_url_count() override;
  std::optional<RobotsFile> kept_robots(const std::string& origin) override;
  std::vector<DuePage> due_pages(std::int64_t now_ms, int limit, DueCursor cursor) override;

  bool leases_hosts() const override { return true; }
  LeaseGrant lease(const LeaseRound& round) override;

 private:
  using UrlIds = std::unordered_map<std::string, std::int64_t>;
  using Epochs = std::unordered_map<std::string, std::int64_t>;

  std::vector<bool> still_held(std::span<const PageRecord> pages);
  void take_addresses(const LeaseRound& round, LeaseGrant& grant);
  void count_fleet(const LeaseRound& round, LeaseGrant& grant);
  std::int64_t budget_pages(const LeaseRound& round, LeaseGrant& grant);
  // What a batch's records add, gathered to be written in one statement each.
  struct Staged {
    std::vector<std::int64_t> done_ids, done_depths;  // URLs whose page is now stored
    std::vector<std::pair<std::int64_t, const std::string*>> links;  // page id, URL linked
    struct Queued {
      const std::string* url;
      int depth;
      QueueSource source;
      std::optional<std::int64_t> found_on;
    };
    std::vector<Queued> queued;
  };
  using QueuedByUrl = std::unordered_map<std::string_view, const Staged::Queued*>;

  UrlIds page_url_ids(std::span<const PageRecord> pages);
  std::unordered_set<std::string_view> add_urls(const std::vector<std::string>& urls,
                                                const QueuedByUrl& queued, UrlIds& ids);
  void remember(const UrlIds& ids);
  std::size_t insert_pages(const std::vector<const PageRecord*>& fresh, const UrlIds& ids,
                           Staged& staged);
  void write_revisit(const PageRecord& page, const UrlIds& ids, Staged& staged);
  void stage_links(std::int64_t page_id, const PageRecord& page, Staged& staged);
  void stage_queued(const PageRecord& page, std::optional<std::int64_t> found_on, Staged& staged);
  void write_staged(const Staged& staged, UrlIds& ids);
  void write_links(const Staged& staged, const UrlIds& ids);
  void write_response(std::int64_t page_id, const PageRecord& page);
  void keep_robots(const RobotsFile& robots);
  void keep_control(const OriginControl& control);

  bool index_text_;
  pg::Connection writer_;
  pg::UrlIdCache known_ids_{50'000};  // the writer's; about 10 MB at most
  pg::Connection refills_;
  pg::Connection seen_;
  std::mutex robots_mutex_;  // any thread
  pg::Connection robots_;
  pg::Connection due_;
  pg::Connection leases_;
  std::mutex polls_mutex_;  // the origins' orders and the queued count, polled on the pool
  pg::Connection polls_;
  std::atomic<std::int64_t> queued_count_{-1};  // -1: not read yet
  std::string worker_;                          // this crawler's id in `workers`
  std::int64_t run_ = 0;  // the run whose page budget it shares (leases_ only); 0: not yet known
  std::mutex epochs_mutex_;
  Epochs epochs_;  // the epoch of each origin this worker holds (or held, until released)
};

}  // namespace crawler::storage
