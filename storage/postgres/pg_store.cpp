// PgStore: see pg_store.hpp.
#include "storage/postgres/pg_store.hpp"

#include <algorithm>

#include "parsers/url.hpp"
#include "storage/postgres/pg_schema.hpp"

namespace crawler::storage {

namespace {

using pg::Param;

Param optional_text(const std::string& text) {
  return text.empty() ? Param{} : Param{text};
}

Param number(std::int64_t value) {
  return std::to_string(value);
}

// The revisit interval in seconds, and when it ends (Unix ms); NULLs for none.
void push_next_visit(std::vector<Param>& params, const PageRecord& page) {
  bool revisits = page.revisit_after_s > 0;
  params.push_back(revisits ? number(page.revisit_after_s) : Param{});
  params.push_back(revisits ? number(page.fetched_at_ms + page.revisit_after_s * 1000) : Param{});
}

// Titles weigh more than text, as in the SQLite index's ranking. A page's
// text is indexed up to 200,000 characters: a tsvector holds at most 1 MB.
constexpr const char* kSearchVector =
    "setweight(to_tsvector('simple', coalesce($7::text, '')), 'A') ||"
    " setweight(to_tsvector('simple', left(coalesce($18::text, ''), 200000)), 'B')";

// $1..$25: the page's columns, as PageStore binds them ($24: indexed).
std::vector<Param> page_params(std::int64_t url_id, const PageRecord& page, bool indexed) {
  std::vector<Param> params;
  params.reserve(25);
  params.push_back(number(url_id));
  params.push_back(page.url);
  params.push_back(optional_text(page.final_url));
  params.push_back(number(page.depth));
  params.push_back(page.status > 0 ? number(page.status) : Param{});
  params.push_back(optional_text(page.content_type));
  params.push_back(optional_text(page.title));
  params.push_back(iso8601_utc(page.fetched_at_ms));
  params.push_back(number(page.bytes));
  params.push_back(std::to_string(page.duration_ms));
  params.push_back(optional_text(page.error));
  params.push_back(optional_text(page.error_detail));
  params.push_back(number(page.truncated ? 1 : 0));
  params.push_back(number(page.attempts));
  params.push_back(optional_text(page.redirect_to));
  params.push_back(optional_text(page.canonical));
  params.push_back(number(page.noindex ? 1 : 0));
  params.push_back(optional_text(page.text));
  params.push_back(optional_text(page.etag));
  params.push_back(optional_text(page.last_modified));
  params.push_back(optional_text(page.content_hash));
  push_next_visit(params, page);
  params.push_back(number(indexed ? 1 : 0));
  params.push_back(number(static_cast<std::int64_t>(page.links_dropped)));
  return params;
}

const std::string kInsertPage =
    std::string(
        "INSERT INTO pages(url_id, url, final_url, depth, status, content_type, title,"
        " fetched_at, bytes, duration_ms, error, error_detail, truncated, attempts,"
        " redirect_to, canonical, noindex, text, etag, last_modified, content_hash,"
        " revisit_after_s, next_visit_ms, indexed, links_dropped, search) VALUES ($1, $2, $3,"
        " $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,"
        " $22, $23, $24, $25, CASE WHEN $24::int = 1 THEN ") +
    kSearchVector + " END) RETURNING id";

// A changed page is rewritten in place; it enters the index if it was in
// it, or if it is to be indexed now ($24), as PageStore's triggers do.
const std::string kUpdatePage =
    std::string(
        "UPDATE pages SET final_url = $3, depth = $4, status = $5, content_type = $6,"
        " title = $7, fetched_at = $8, bytes = $9, duration_ms = $10, error = $11,"
        " error_detail = $12, truncated = $13, attempts = $14, redirect_to = $15,"
        " canonical = $16, noindex = $17, text = $18, etag = $19, last_modified = $20,"
        " content_hash = $21, revisit_after_s = $22, next_visit_ms = $23,"
        " links_dropped = $25, changes = changes + 1, indexed = greatest(indexed, $24::int),"
        " search = CASE WHEN greatest(indexed, $24::int) = 1 THEN ") +
    kSearchVector + " END WHERE url_id = $1 AND $2::text IS NOT NULL";

std::string hex_bytea(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

}  // namespace

PgStore::PgStore(const std::string& uri, const StoreOptions& options)
    : index_text_(options.index_text),
      writer_(uri),
      refills_(uri),
      seen_(uri),
      robots_(uri),
      due_(uri) {
  pg::migrate(writer_);
}

void PgStore::write(std::span<const PageRecord> pages) {
  pg::Transaction transaction(writer_);
  UrlIds ids = url_ids(pages);
  for (const PageRecord& page : pages) {
    if (page.robots) keep_robots(*page.robots);
    if (page.queue_only) {
      mark_queued(page.queued, page.queued_depth, page.queued_source, 0, ids);
    } else if (page.revisit) {
      write_revisit(page, ids);
    } else {
      insert(page, ids);
    }
  }
  transaction.commit();
}

PgStore::UrlIds PgStore::url_ids(std::span<const PageRecord> pages) {
  std::vector<std::string> urls;
  for (const PageRecord& page : pages) {
    if (!page.queue_only) urls.push_back(page.url);
    urls.insert(urls.end(), page.links.begin(), page.links.end());
    urls.insert(urls.end(), page.queued.begin(), page.queued.end());
  }
  return url_ids(urls);
}

// Sorted, so that workers inserting overlapping URLs take their row locks
// in one order (no deadlocks between them).
PgStore::UrlIds PgStore::url_ids(const std::vector<std::string>& urls) {
  std::vector<std::string> sorted = urls;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  UrlIds ids;
  if (sorted.empty()) return ids;
  std::string array = pg::array_literal(sorted);
  writer_.exec("INSERT INTO urls(url) SELECT unnest($1::text[]) ON CONFLICT (url) DO NOTHING",
               {array});
  pg::Result found = writer_.exec("SELECT url, id FROM urls WHERE url = ANY($1::text[])", {array});
  ids.reserve(static_cast<std::size_t>(found.rows()));
  for (int row = 0; row < found.rows(); ++row)
    ids.emplace(std::string(found.text(row, 0)), found.int64(row, 1));
  return ids;
}

void PgStore::insert(const PageRecord& page, const UrlIds& ids) {
  std::int64_t url_id = ids.at(page.url);
  bool indexed = index_text_ && (!page.title.empty() || !page.text.empty());
  pg::Result inserted = writer_.exec(kInsertPage, page_params(url_id, page, indexed));
  std::int64_t page_id = inserted.int64(0, 0);
  writer_.exec("UPDATE urls SET state = 'done', depth = $2 WHERE id = $1",
               {number(url_id), number(page.depth)});
  write_links(page_id, page, ids);
  write_response(page_id, page);
}

void PgStore::write_revisit(const PageRecord& page, const UrlIds& ids) {
  std::int64_t url_id = ids.at(page.url);
  pg::Result found = writer_.exec("SELECT id FROM pages WHERE url_id = $1", {number(url_id)});
  if (found.rows() == 0) {
    insert(page, ids);  // stored by no one yet (the database was replaced?): a first visit
    return;
  }
  std::int64_t page_id = found.int64(0, 0);
  if (page.unchanged) {
    std::vector<Param> params = {number(page_id), iso8601_utc(page.fetched_at_ms),
                                 number(page.attempts)};
    push_next_visit(params, page);
    params.push_back(optional_text(page.etag));
    params.push_back(optional_text(page.last_modified));
    writer_.exec(
        "UPDATE pages SET fetched_at = $2, attempts = $3, revisit_after_s = $4,"
        " next_visit_ms = $5, etag = coalesce($6, etag), last_modified = coalesce($7,"
        " last_modified) WHERE id = $1",
        params);
    return;
  }
  bool indexed = index_text_ && (!page.title.empty() || !page.text.empty());
  writer_.exec(kUpdatePage, page_params(url_id, page, indexed));
  writer_.exec("DELETE FROM links WHERE from_page = $1", {number(page_id)});
  write_links(page_id, page, ids);
  write_response(page_id, page);
}

void PgStore::write_links(std::int64_t page_id, const PageRecord& page, const UrlIds& ids) {
  if (!page.links.empty()) {
    std::vector<std::int64_t> targets;
    targets.reserve(page.links.size());
    for (const std::string& link : page.links) targets.push_back(ids.at(link));
    writer_.exec(
        "INSERT INTO links(from_page, to_url) SELECT $1, unnest($2::bigint[])"
        " ON CONFLICT DO NOTHING",
        {number(page_id), pg::array_literal(targets)});
  }
  mark_queued(page.queued, page.queued_depth, page.queued_source, page_id, ids);
}

void PgStore::write_response(std::int64_t page_id, const PageRecord& page) {
  if (page.raw_head.empty()) return;
  writer_.exec(
      "INSERT INTO responses(page_id, request, head, body, body_size)"
      " VALUES ($1, $2::bytea, $3::bytea, $4::bytea, $5) ON CONFLICT (page_id) DO UPDATE SET"
      " request = excluded.request, head = excluded.head, body = excluded.body,"
      " body_size = excluded.body_size",
      {number(page_id), page.raw_request.empty() ? Param{} : hex_bytea(page.raw_request),
       hex_bytea(page.raw_head), hex_bytea(deflate_text(page.raw_body)),
       number(static_cast<std::int64_t>(page.raw_body.size()))});
}

void PgStore::keep_robots(const RobotsFile& robots) {
  writer_.exec(
      "INSERT INTO robots(origin, status, http_status, body, fetched_at_ms)"
      " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (origin) DO UPDATE SET status = excluded.status,"
      " http_status = excluded.http_status, body = excluded.body,"
      " fetched_at_ms = excluded.fetched_at_ms",
      {robots.origin, std::string(robots.parsed ? "parsed" : "allow_all"),
       number(robots.http_status), robots.body, number(robots.fetched_at_ms)});
}

// found_on: the page whose links or redirect named the URLs; 0 for none.
void PgStore::mark_queued(const std::vector<std::string>& urls, int depth, QueueSource source,
                          std::int64_t found_on, const UrlIds& ids) {
  if (urls.empty()) return;
  std::vector<std::int64_t> url_ids;
  std::vector<std::string> origins;
  for (const std::string& url : urls) {
    url_ids.push_back(ids.at(url));
    origins.emplace_back(parsers::normalized_origin(url));
  }
  writer_.exec(
      "UPDATE urls u SET state = 'queued', depth = $1, origin = q.origin, source = $2,"
      " found_on = $3 FROM unnest($4::bigint[], $5::text[]) AS q(id, origin)"
      " WHERE u.id = q.id AND u.state = 'linked'",
      {number(depth), std::string(queue_source_name(source)),
       found_on > 0 ? number(found_on) : Param{}, pg::array_literal(url_ids),
       pg::array_literal(origins)});
}

void PgStore::queue(const std::vector<std::string>& urls, int depth, QueueSource source) {
  pg::Transaction transaction(writer_);
  UrlIds ids = url_ids(urls);
  mark_queued(urls, depth, source, 0, ids);
  transaction.commit();
}

std::int64_t PgStore::page_count() {
  return writer_.exec("SELECT count(*) FROM pages").int64(0, 0);
}

LeftByEarlierRuns PgStore::left_by_earlier_runs() {
  pg::Result left = writer_.exec(
      "SELECT EXISTS (SELECT 1 FROM urls WHERE state <> 'linked')::int,"
      " EXISTS (SELECT 1 FROM urls WHERE state = 'queued')::int");
  return {left.int64(0, 0) != 0, left.int64(0, 1) != 0};
}

std::optional<std::string> PgStore::queued_origin_after(const std::string& after) {
  pg::Result found = refills_.exec(
      "SELECT origin FROM urls WHERE state = 'queued' AND origin > $1 ORDER BY origin LIMIT 1",
      {after});
  if (found.rows() == 0) return std::nullopt;
  return std::string(found.text(0, 0));
}

std::vector<QueuedUrl> PgStore::oldest_queued(const std::string& origin, std::size_t limit) {
  pg::Result found = refills_.exec(
      "SELECT url, coalesce(depth, 0) FROM urls WHERE state = 'queued' AND origin = $1"
      " ORDER BY id LIMIT $2",
      {origin, number(static_cast<std::int64_t>(limit))});
  std::vector<QueuedUrl> urls;
  for (int row = 0; row < found.rows(); ++row)
    urls.push_back({std::string(found.text(row, 0)), static_cast<int>(found.int64(row, 1))});
  return urls;
}

std::vector<std::string> PgStore::seen_urls(SeenCursor& cursor, std::size_t limit) {
  pg::Result found = seen_.exec(
      "SELECT id, url FROM urls WHERE id > $1 AND state <> 'linked' ORDER BY id LIMIT $2",
      {number(cursor.after), number(static_cast<std::int64_t>(limit))});
  std::vector<std::string> urls;
  for (int row = 0; row < found.rows(); ++row) {
    cursor.after = found.int64(row, 0);
    urls.emplace_back(found.text(row, 1));
  }
  return urls;
}

std::optional<RobotsFile> PgStore::kept_robots(const std::string& origin) {
  std::lock_guard lock(robots_mutex_);
  pg::Result found = robots_.exec(
      "SELECT status, coalesce(http_status, 0), coalesce(body, ''), fetched_at_ms"
      " FROM robots WHERE origin = $1",
      {origin});
  if (found.rows() == 0) return std::nullopt;
  return RobotsFile{origin, found.text(0, 0) == "parsed", static_cast<long>(found.int64(0, 1)),
                    std::string(found.text(0, 2)), found.int64(0, 3)};
}

std::vector<DuePage> PgStore::due_pages(std::int64_t now_ms, int limit, DueCursor cursor) {
  pg::Result found = due_.exec(
      "SELECT url, depth, coalesce(etag, ''), coalesce(last_modified, ''),"
      " coalesce(content_hash, ''), revisit_after_s, next_visit_ms, id FROM pages"
      " WHERE next_visit_ms <= $1 AND (next_visit_ms, id) > ($3, $4)"
      " ORDER BY next_visit_ms, id LIMIT $2",
      {number(now_ms), number(limit), number(cursor.next_visit_ms), number(cursor.page_id)});
  std::vector<DuePage> due;
  for (int row = 0; row < found.rows(); ++row)
    due.push_back({std::string(found.text(row, 0)), static_cast<int>(found.int64(row, 1)),
                   std::string(found.text(row, 2)), std::string(found.text(row, 3)),
                   std::string(found.text(row, 4)), found.int64(row, 5), found.int64(row, 6),
                   found.int64(row, 7)});
  return due;
}

}  // namespace crawler::storage
