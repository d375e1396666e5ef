// CrawlReader: what the read commands (`query`, `search`, `stats`,
// `export`, `copy`) and the web console read a crawl through, whichever
// engine holds it: a SQLite file (opened read-only) or a PostgreSQL
// database (in READ ONLY transactions). open_crawl_reader() is the one
// place where the --db value picks the backend for reading.
//
// Threads and failures: a reader holds only the database's name. Each call
// opens its own connection and snapshot and closes it before returning, so
// calls may run on any thread, several at once, and each sees what a crawl
// beside it has committed by then. Nothing a reader does changes the
// database. Every failure throws StorageError with a message naming the
// database (or quoting the engine on a bad query or statement).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/crawl_copy.hpp"
#include "storage/crawl_queries.hpp"
#include "storage/read_query.hpp"
#include "storage/storage_error.hpp"

namespace crawler::storage {

class CrawlReader {
 public:
  CrawlReader() = default;
  CrawlReader(const CrawlReader&) = delete;
  CrawlReader& operator=(const CrawlReader&) = delete;
  virtual ~CrawlReader() = default;

  /// The database as it may be shown or logged (a URI's password as ***).
  virtual std::string name() const = 0;

  /// Pages matching a query over titles and text, best first: FTS5 query
  /// syntax on SQLite, web-search syntax (words, "a phrase", or, -word) on
  /// PostgreSQL. `site` keeps pages of that host only. Snippets wrap
  /// matches in `open` and `close`. A bad query is kBadRequest.
  virtual std::vector<SearchHit> search(const std::string& query, int limit,
                                        const std::optional<std::string>& site,
                                        const std::string& open = "[",
                                        const std::string& close = "]") const = 0;

  /// Totals, counts by status, type, host, error and minute, and (PostgreSQL)
  /// the fleet; `top` bounds each list of counts.
  virtual CrawlStats stats(int top = 10) const = 0;

  /// The stored page of `url` with at most `max_links` links each way;
  /// empty when none is stored.
  virtual std::optional<PageView> page_view(const std::string& url, int max_links) const = 0;

  /// What the database knows of `url` (normalized, as the crawl keys it),
  /// stored or not; empty when it does not know the URL.
  virtual std::optional<UrlState> url_state(const std::string& url) const = 0;
  /// The queued URLs of `origin` (scheme://host[:port]), oldest first: at
  /// most `limit` after the first `offset`, and how many there are.
  virtual OriginQueue origin_queue(const std::string& origin, std::int64_t offset,
                                   int limit) const = 0;
  /// robots.txt as kept for `origin`; empty when none is.
  virtual std::optional<KeptRobotsTxt> kept_robots_txt(const std::string& origin) const = 0;

  /// How many rows an export walks: stored pages, or kept exchanges.
  virtual std::int64_t export_count(bool exchanges) const = 0;
  /// Calls `on_page` for every page, in fetch order.
  virtual void for_each_page(const std::function<void(const ExportedPage&)>& on_page) const = 0;
  /// Calls `on_exchange` for every page whose raw exchange was kept, in fetch order.
  virtual void for_each_exchange(
      const std::function<void(const ExportedExchange&)>& on_exchange) const = 0;

  /// Streams the rows of one read-only SQL statement given by a user. A
  /// write statement, more than one statement, or bad SQL is refused
  /// (kBadRequest) before any row is produced. A `timeout` above zero
  /// bounds the statement's run: past it, the statement is cancelled and
  /// StorageError thrown with timeout_refusal()'s message (rows already
  /// given stay given).
  virtual void run_query(
      const std::string& sql, const std::function<void(const QueryColumns&)>& on_columns,
      const std::function<void(const std::vector<Cell>&)>& on_row,
      std::chrono::milliseconds timeout = std::chrono::milliseconds::zero()) const = 0;

  /// Every table of the crawl, row for row in one snapshot, for copy_crawl.
  /// Refuses a database that holds no crawl.
  virtual std::unique_ptr<CopySource> open_copy_source() const = 0;
};

/// The reader of the crawl `db` names: a postgresql:// or postgres:// URI,
/// or else the path of a SQLite file. Throws StorageError (kBadRequest),
/// naming `db`, for a URI of any other scheme or a SQLite file that does
/// not exist. It connects to no server: a PostgreSQL database is first
/// reached by the first read.
std::unique_ptr<CrawlReader> open_crawl_reader(const std::string& db);

}  // namespace crawler::storage
