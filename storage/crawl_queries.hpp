// The values the read queries of CrawlReader (storage/crawl_reader.hpp)
// answer with, behind `crawler search`, `crawler stats`, `crawler export`
// and the console's search and page views; the same on either backend.
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

/// What the database knows of one URL, stored or not (the url_states view).
/// Empty optionals are NULLs: a linked URL has no depth, a URL never
/// fetched no attempts.
struct UrlState {
  std::string state;  // queued, linked, done or failed
  std::optional<std::int64_t> depth;
  std::optional<std::string> source;    // seed, link, redirect, sitemap
  std::optional<std::string> found_on;  // the URL of the page that linked to it
  std::optional<std::int64_t> attempts;
  std::optional<std::string> last_error;
  std::optional<std::string> fetched_at;
  std::optional<std::int64_t> next_visit_ms;
};

/// A page of one origin's queued URLs, oldest first, and how many it has.
struct OriginQueue {
  struct Entry {
    std::string url;
    std::optional<std::int64_t> depth;
    std::optional<std::string> source;
  };
  std::vector<Entry> urls;
  std::int64_t total = 0;
};

/// An origin's robots.txt as the crawl kept it.
struct KeptRobotsTxt {
  std::string status;  // parsed or allow_all
  std::optional<std::int64_t> http_status;
  std::optional<std::string> body;
  std::int64_t fetched_at_ms = 0;
};

/// One kept exchange, for WARC export.
struct ExportedExchange {
  std::string url;
  std::string fetched_at;  // ISO 8601 UTC
  std::string request;     // request head as sent (may be empty)
  std::string head;        // response status line and headers as received
  std::string body;        // decompressed
};

}  // namespace crawler::storage
