// The read queries behind `crawler search`, `crawler stats`, `crawler
// export` and the console's search and page views, on either backend: a
// SQLite file (opened read-only) or a postgresql:// URI (in READ ONLY
// transactions). Each runs beside a crawl that writes and never changes the
// database. Failures throw StorageError with a message naming the database
// (or quoting the search engine on a bad query).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace crawler::storage {

struct SearchHit {
  std::string url;
  std::string title;
  std::string snippet;  // matches wrapped in the markers asked for
  double rank = 0;      // lower is better (bm25; on PostgreSQL, minus ts_rank)
};

/// Pages matching a query over titles and text, best first: FTS5 query
/// syntax on SQLite, web-search syntax (words, "a phrase", or, -word) on
/// PostgreSQL. `site` keeps pages of that host only. Snippets wrap matches
/// in `open` and `close`.
std::vector<SearchHit> search_pages(const std::string& db_path, const std::string& query, int limit,
                                    const std::optional<std::string>& site,
                                    const std::string& open = "[", const std::string& close = "]");

struct Count {
  std::string key;
  std::int64_t count = 0;
};

/// A crawler of a fleet sharing a PostgreSQL database.
struct FleetWorker {
  std::string name;             // host name:process id
  bool alive = false;           // renewed its leases in the last 10 s
  std::int64_t hosts = 0;       // origins it holds now
  std::int64_t pages = 0;       // pages it stored
  double pages_per_second = 0;  // over its run
};

struct CrawlStats {
  std::int64_t pages = 0;
  std::int64_t urls_known = 0;
  std::int64_t urls_queued = 0;
  std::int64_t links = 0;
  std::int64_t bytes = 0;
  std::string first_fetch;
  std::string last_fetch;
  std::vector<Count> by_status;        // "200", "404", "none"
  std::vector<Count> by_content_type;  // media type without parameters
  std::vector<Count> top_hosts;
  std::vector<Count> errors;       // by kind
  std::vector<Count> per_minute;   // pages fetched per minute, "2026-11-27T04:58"
  std::vector<FleetWorker> fleet;  // PostgreSQL: crawlers seen in the last 10 minutes
};

CrawlStats crawl_stats(const std::string& db_path, int top = 10);

/// One stored page for export.
struct ExportedPage {
  std::string url, final_url, content_type, title, fetched_at, error, redirect_to, text;
  std::int64_t status = 0;  // 0: none
  std::int64_t depth = 0;
  std::int64_t bytes = 0;
  double duration_ms = 0;
};

/// One stored page as the web console shows it.
struct PageView {
  ExportedPage page;  // text: its first 2,000 characters
  std::string error_detail;
  std::optional<std::int64_t> next_visit_ms;  // Unix milliseconds
  std::optional<std::string> head;            // the response head, kept with --keep-raw
  std::vector<std::string> redirects;         // the chain through this URL, oldest first
  std::vector<std::string> links_out, links_in;
  std::int64_t links_out_total = 0, links_in_total = 0;
};

/// The redirect chain through `url`, oldest first: who redirected to it
/// (`redirected_from`: a page whose redirect_to is the URL, or "") and where
/// it led (`leads_to`: the stored redirect_to of a URL, or ""), each way at
/// most `hops` steps; a loop ends it. Each backend answers the two look-ups.
std::vector<std::string> redirect_chain(
    const std::string& url, const std::string& redirect_to, int hops,
    const std::function<std::string(const std::string&)>& redirected_from,
    const std::function<std::string(const std::string&)>& leads_to);

/// The stored page of `url` with at most `max_links` links each way; empty when none is stored.
std::optional<PageView> page_view(const std::string& db_path, const std::string& url,
                                  int max_links);

/// One kept exchange, for WARC export.
struct ExportedExchange {
  std::string url;
  std::string fetched_at;  // ISO 8601 UTC
  std::string request;     // request head as sent (may be empty)
  std::string head;        // response status line and headers as received
  std::string body;        // decompressed
};

/// How many rows an export walks: stored pages, or kept exchanges.
std::int64_t export_count(const std::string& db_path, bool exchanges);

/// Calls `on_exchange` for every page whose raw exchange was kept, in fetch order.
void for_each_exchange(const std::string& db_path,
                       const std::function<void(const ExportedExchange&)>& on_exchange);

/// Calls `on_page` for every page, in fetch order.
void for_each_page(const std::string& db_path,
                   const std::function<void(const ExportedPage&)>& on_page);

}  // namespace crawler::storage
