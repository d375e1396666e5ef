// PageStore: writes fetched pages, their links and the URLs they name, and
// keeps the durable frontier: every URL's state (linked: only known as a
// link; queued: to be fetched; done: its page is stored). A page, its links,
// the URLs it queued and its own state change commit together: one call to
// write() is one transaction, so a batch lands whole or not at all.
// It is the write side a second backend (PostgreSQL) would implement; every
// SQL statement it runs stays in this file.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/sqlite.hpp"

namespace crawler::storage {

/// A robots.txt as fetched for an origin; unreachable ones are not kept.
struct RobotsFile {
  std::string origin;
  bool parsed = true;  // false: 4xx, everything allowed
  long http_status = 0;
  std::string body;
  std::int64_t fetched_at_ms = 0;
};

/// Unix milliseconds as the database writes times: "2026-11-27T04:00:00.000Z".
std::string iso8601_utc(std::int64_t unix_ms);

/// How a URL came to be queued.
enum class QueueSource { kSeed, kLink, kRedirect, kSitemap };

struct PageRecord {
  std::string url;        // normalized URL that was fetched
  std::string final_url;  // after redirects
  int depth = 0;
  long status = 0;  // 0 when no HTTP response arrived
  std::string content_type;
  std::string title;
  std::int64_t fetched_at_ms = 0;  // Unix time in milliseconds
  std::int64_t bytes = 0;
  double duration_ms = 0;
  std::string error;         // empty, or a FetchError name ("connect", "timeout", ...)
  std::string error_detail;  // curl's message or the HTTP reason
  bool truncated = false;
  int attempts = 1;         // fetches it took, retries included
  std::string redirect_to;  // for 3xx: the resolved Location
  std::string canonical;    // <link rel=canonical>, normalized
  bool noindex = false;     // meta robots / X-Robots-Tag noindex: content not kept
  std::string text;
  std::vector<std::string> links;  // normalized outgoing URLs
  std::size_t links_dropped = 0;   // links past the page's cap: neither stored nor followed
  // Revisits: validators for the next conditional request, the body's hash,
  // and when to come back.
  std::string etag;
  std::string last_modified;
  std::string content_hash;
  std::int64_t revisit_after_s = 0;
  bool revisit = false;     // the page is stored already: update its row
  bool queue_only = false;  // no page: only `queued` (e.g. URLs a sitemap listed)
  bool unchanged = false;   // a revisit found it unchanged (304 or same hash): keep the content
  std::optional<RobotsFile> robots;  // fetched for this page's origin: kept with it
  // The exchange as it happened, kept when the crawl keeps raw responses
  // (empty raw_head: not kept). The body is compressed by the writer.
  std::string raw_request;
  std::string raw_head;
  std::string raw_body;
  std::vector<std::string> queued;  // URLs this page added to the frontier (links, redirect)
  int queued_depth = 0;             // their depth
  QueueSource queued_source = QueueSource::kLink;
};

/// A stored page that is due for a revisit.
struct DuePage {
  std::string url;
  int depth = 0;
  std::string etag;
  std::string last_modified;
  std::string content_hash;
  std::int64_t revisit_after_s = 0;
  std::int64_t next_visit_ms = 0;  // with page_id: where the next read goes on
  std::int64_t page_id = 0;
};

/// Where a walk over the due pages stands: after this (next_visit_ms, id).
struct DueCursor {
  std::int64_t next_visit_ms = 0;
  std::int64_t page_id = 0;
};

/// Pages whose next visit is at or before `now_ms`, soonest first, after
/// `cursor`: a reader that goes on from the last page it got walks past
/// pages still waiting their turn instead of reading them again. Opens its
/// own read-only connection, so it runs beside the writer.
std::vector<DuePage> due_pages(const std::string& db_path, std::int64_t now_ms, int limit,
                               DueCursor cursor = {});

class PageStore {
 public:
  /// Opens (creating and migrating if needed) the database at `path`.
  /// With `index_text` false, new pages stay out of the full-text index
  /// (faster crawls; rebuild later with
  /// INSERT INTO pages_fts(pages_fts) VALUES ('rebuild')).
  explicit PageStore(const std::string& path, bool index_text = true);

  /// Writes every record in one transaction. Throws StorageError; then nothing was written.
  void write(std::span<const PageRecord> pages);

  /// Number of rows in pages (for summaries and tests).
  std::int64_t page_count();

  /// Marks `urls` queued at `depth` unless already known as queued or done.
  void queue(const std::vector<std::string>& urls, int depth,
             QueueSource source = QueueSource::kSeed);

  /// What an earlier run left: URLs known as queued or done (a seen set to
  /// load, with a SeenReader), and whether some are still queued (read back
  /// through a QueuedUrlReader). Both are index seeks, not counts.
  struct Left {
    bool seen = false;
    bool queued = false;
  };
  Left left_by_earlier_runs();

 private:
  std::int64_t url_id(const std::string& url);
  void write_all(std::span<const PageRecord> pages);
  void insert(const PageRecord& page);
  void write_revisit(const PageRecord& page);
  void write_links(std::int64_t page_id, const PageRecord& page);
  void write_response(std::int64_t page_id, const PageRecord& page);
  void mark_queued(const std::string& url, int depth, QueueSource source, std::int64_t found_on);

  Database db_;
  // Most links point at URLs already stored; remembering their ids saves two
  // statements per link. Bounded: emptied when full, and after a failed
  // transaction (whose new ids were rolled back).
  std::unordered_map<std::string, std::int64_t> url_ids_;
  Statement insert_url_;
  Statement select_url_;
  Statement insert_page_;
  Statement insert_link_;
  Statement mark_done_;
  Statement mark_queued_;
  Statement index_page_;
  Statement find_page_;
  Statement mark_indexed_;
  Statement mark_unchanged_;
  Statement update_page_;
  Statement drop_links_;
  Statement keep_robots_;
  Statement keep_response_;
  bool index_text_;
};

}  // namespace crawler::storage
