// The records a crawl hands its storage and gets back from it, the same for
// every backend: a fetched page with what it found, a robots.txt, a page due
// for a revisit, a queued URL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crawler::storage {

/// An operator's standing order for one origin, given in the console and
/// kept across restarts: pause it, give it its own delay, or block it for
/// the rest of the crawl. The newest order of an origin replaces the last.
struct OriginControl {
  std::string origin;
  bool paused = false;
  bool blocked = false;
  std::int64_t delay_ms = -1;  // -1: the crawl's own delay
  std::int64_t changed_at_ms = 0;
};

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

/// Its name in the urls.source column: "seed", "link", ...
std::string_view queue_source_name(QueueSource source);

/// A kept response body as stored: zlib (deflate) at the default level, as
/// raw HTML shrinks about 5x. Throws StorageError.
std::string deflate_text(const std::string& text);
/// The body back from what deflate_text made of it, `size` bytes long;
/// nullopt when the stored bytes are damaged.
std::optional<std::string> inflate_text(std::string_view packed, std::size_t size);

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
  std::string address;       // the server address the fetch went to (DNS step); empty: none
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
  std::optional<RobotsFile> robots;      // fetched for this page's origin: kept with it
  std::optional<OriginControl> control;  // an operator's order for an origin: kept
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

/// A URL queued in the database, still to be fetched.
struct QueuedUrl {
  std::string url;
  int depth = 0;
};

}  // namespace crawler::storage
