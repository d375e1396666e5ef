// The read queries of CrawlReader (storage/crawl_reader.hpp) on a SQLite file.
#include "storage/sqlite/crawl_queries.hpp"

#include "storage/crawl_queries.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

#include "storage/page_record.hpp"
#include "storage/sqlite/schema.hpp"
#include "storage/sqlite/sqlite.hpp"

namespace crawler::storage::sqlite {

namespace {

std::string text(const Statement& stmt, int column) {
  return std::string(stmt.column_text(column));
}

// The oldest schema these queries read: a database a crawl has not
// migrated yet stays readable (version 6 only added an index).
constexpr int kReadableSchemaVersion = 5;

}  // namespace

Database open_for_reading(const std::string& path) {
  Database db(path, SQLITE_OPEN_READONLY);
  Statement version(db, "PRAGMA user_version");
  version.step();
  if (version.column_int(0) < kReadableSchemaVersion)
    throw sqlite_error("database '" + path + "' has schema version " +
                           std::to_string(version.column_int(0)) +
                           "; run `crawler crawl` on it "
                           "once to bring it to version " +
                           std::to_string(kSchemaVersion),
                       SQLITE_ERROR);
  return db;
}

namespace {

// The columns of an ExportedPage, in the order read_page_columns() takes
// them first in a row; `text` is the expression for the page's text.
std::string page_columns(std::string_view text = "text") {
  return "url, coalesce(final_url, ''), coalesce(content_type, ''), coalesce(title, ''),"
         " fetched_at, coalesce(error, ''), coalesce(redirect_to, ''), coalesce(" +
         std::string(text) + ", ''), coalesce(status, 0), depth, bytes, coalesce(duration_ms, 0)";
}
constexpr int kPageColumnCount = 12;

void read_page_columns(const Statement& stmt, ExportedPage& page) {
  page.url = text(stmt, 0);
  page.final_url = text(stmt, 1);
  page.content_type = text(stmt, 2);
  page.title = text(stmt, 3);
  page.fetched_at = text(stmt, 4);
  page.error = text(stmt, 5);
  page.redirect_to = text(stmt, 6);
  page.text = text(stmt, 7);
  page.status = stmt.column_int(8);
  page.depth = stmt.column_int(9);
  page.bytes = stmt.column_int(10);
  page.duration_ms = sqlite3_column_double(stmt.get(), 11);
}

std::vector<Count> counts(const Database& db, const char* sql) {
  std::vector<Count> out;
  Statement stmt(db, sql);
  while (stmt.step()) out.push_back({text(stmt, 0), stmt.column_int(1)});
  return out;
}

std::int64_t scalar(const Database& db, const char* sql) {
  Statement stmt(db, sql);
  stmt.step();
  return stmt.column_int(0);
}

}  // namespace

std::vector<SearchHit> search_pages(const std::string& db_path, const std::string& query, int limit,
                                    const std::optional<std::string>& site, const std::string& open,
                                    const std::string& close) {
  Database db = open_for_reading(db_path);
  // The host is matched on the URL's authority: "://host/" or "://host:port/".
  Statement stmt(db,
                 "SELECT p.url, coalesce(p.title, ''),"
                 " snippet(pages_fts, 1, ?4, ?5, '…', 16), bm25(pages_fts, 10.0, 1.0) AS rank"
                 " FROM pages_fts JOIN pages p ON p.id = pages_fts.rowid"
                 " WHERE pages_fts MATCH ?1 AND (?2 IS NULL OR p.url LIKE '%://' || ?2 || '/%'"
                 "   OR p.url LIKE '%://' || ?2 || ':%')"
                 " ORDER BY rank LIMIT ?3");
  stmt.bind(1, std::string_view(query));
  if (site) {
    stmt.bind(2, std::string_view(*site));
  } else {
    stmt.bind_null(2);
  }
  stmt.bind(3, std::int64_t{limit});
  stmt.bind(4, std::string_view(open)).bind(5, std::string_view(close));
  std::vector<SearchHit> hits;
  try {
    while (stmt.step())
      hits.push_back(
          {text(stmt, 0), text(stmt, 1), text(stmt, 2), sqlite3_column_double(stmt.get(), 3)});
  } catch (const StorageError&) {
    // FTS5 reports query syntax errors when stepping; its own words are clearest.
    throw sqlite_error(std::string("search query: ") + sqlite3_errmsg(db.get()), SQLITE_ERROR);
  }
  return hits;
}

CrawlStats crawl_stats(const std::string& db_path, int top) {
  Database db = open_for_reading(db_path);
  CrawlStats stats;
  stats.pages = scalar(db, "SELECT count(*) FROM pages");
  stats.urls_known = scalar(db, "SELECT count(*) FROM urls");
  stats.urls_queued = scalar(db, "SELECT count(*) FROM urls WHERE state = 'queued'");
  stats.links = scalar(db, "SELECT count(*) FROM links");
  stats.bytes = scalar(db, "SELECT coalesce(sum(bytes), 0) FROM pages");
  {
    Statement span(
        db, "SELECT coalesce(min(fetched_at), ''), coalesce(max(fetched_at), '') FROM pages");
    span.step();
    stats.first_fetch = text(span, 0);
    stats.last_fetch = text(span, 1);
  }
  stats.by_status = counts(db,
                           "SELECT coalesce(CAST(status AS TEXT), 'none'), count(*) FROM pages"
                           " GROUP BY 1 ORDER BY 2 DESC, 1");
  stats.by_content_type =
      counts(db,
             "SELECT coalesce(lower(trim(CASE WHEN instr(content_type, ';') > 0"
             " THEN substr(content_type, 1, instr(content_type, ';') - 1) ELSE content_type END)),"
             " 'none'), count(*) FROM pages GROUP BY 1 ORDER BY 2 DESC, 1");
  std::string hosts =
      "SELECT substr(url, instr(url, '://') + 3, instr(substr(url, instr(url, '://') + 3), '/')"
      " - 1) AS host, count(*) FROM pages GROUP BY host ORDER BY 2 DESC, 1 LIMIT " +
      std::to_string(top);
  stats.top_hosts = counts(db, hosts.c_str());
  stats.errors = counts(db,
                        "SELECT error, count(*) FROM pages WHERE error IS NOT NULL"
                        " GROUP BY 1 ORDER BY 2 DESC, 1");
  stats.per_minute = counts(db,
                            "SELECT substr(fetched_at, 1, 16), count(*) FROM pages"
                            " GROUP BY 1 ORDER BY 1");
  return stats;
}

void for_each_exchange(const std::string& db_path,
                       const std::function<void(const ExportedExchange&)>& on_exchange) {
  Database db = open_for_reading(db_path);
  Statement stmt(db,
                 "SELECT p.url, p.fetched_at, coalesce(r.request, ''), r.head, r.body, r.body_size"
                 " FROM responses r JOIN pages p ON p.id = r.page_id ORDER BY p.id");
  ExportedExchange exchange;
  while (stmt.step()) {
    sqlite3_stmt* s = stmt.get();
    exchange.url = text(stmt, 0);
    exchange.fetched_at = text(stmt, 1);
    exchange.request = text(stmt, 2);
    exchange.head = text(stmt, 3);
    std::string_view packed(static_cast<const char*>(sqlite3_column_blob(s, 4)),
                            static_cast<std::size_t>(sqlite3_column_bytes(s, 4)));
    auto body = inflate_text(packed, static_cast<std::size_t>(stmt.column_int(5)));
    if (!body)
      throw sqlite_error(
          "database '" + db_path + "': a kept response body is damaged (" + exchange.url + ")",
          SQLITE_CORRUPT);
    exchange.body = std::move(*body);
    on_exchange(exchange);
  }
}

std::int64_t export_count(const std::string& db_path, bool exchanges) {
  Database db = open_for_reading(db_path);
  return scalar(db, exchanges ? "SELECT count(*) FROM responses" : "SELECT count(*) FROM pages");
}

void for_each_page(const std::string& db_path,
                   const std::function<void(const ExportedPage&)>& on_page) {
  Database db = open_for_reading(db_path);
  Statement stmt(db, "SELECT " + page_columns() + " FROM pages ORDER BY id");
  ExportedPage page;
  while (stmt.step()) {
    read_page_columns(stmt, page);
    on_page(page);
  }
}

namespace {

// At most `limit` URLs `list` finds for `id`, and how many `count` finds in all.
std::pair<std::vector<std::string>, std::int64_t> linked_urls(const Database& db,
                                                              std::string_view list,
                                                              std::string_view count,
                                                              std::int64_t id, int limit) {
  Statement listed(db, list);
  listed.bind(1, id).bind(2, std::int64_t{limit});
  std::vector<std::string> urls;
  while (listed.step()) urls.push_back(text(listed, 0));
  Statement counted(db, count);
  counted.bind(1, id);
  counted.step();
  return {std::move(urls), counted.column_int(0)};
}

}  // namespace

std::optional<PageView> page_view(const std::string& db_path, const std::string& url,
                                  int max_links) {
  Database db = open_for_reading(db_path);
  Statement stmt(db, "SELECT " + page_columns("substr(text, 1, 2000)") +
                         ", id, coalesce(error_detail, ''), next_visit_ms, url_id FROM pages"
                         " WHERE url_id = (SELECT id FROM urls WHERE url = ?1)");
  stmt.bind(1, std::string_view(url));
  if (!stmt.step()) return std::nullopt;
  PageView view;
  read_page_columns(stmt, view.page);
  const ExportedPage& page = view.page;
  std::int64_t id = stmt.column_int(kPageColumnCount);
  view.error_detail = text(stmt, kPageColumnCount + 1);
  if (sqlite3_column_type(stmt.get(), kPageColumnCount + 2) != SQLITE_NULL)
    view.next_visit_ms = stmt.column_int(kPageColumnCount + 2);
  std::int64_t url_id = stmt.column_int(kPageColumnCount + 3);

  Statement head(db, "SELECT head FROM responses WHERE page_id = ?1");
  head.bind(1, id);
  if (head.step()) view.head = text(head, 0);
  Statement from(
      db, "SELECT url FROM pages WHERE redirect_to = ?1 AND redirect_to IS NOT NULL LIMIT 1");
  Statement to(db,
               "SELECT coalesce(redirect_to, '') FROM pages"
               " WHERE url_id = (SELECT id FROM urls WHERE url = ?1)");
  auto look_up = [](Statement& stmt, const std::string& url) {
    stmt.reset();
    stmt.bind(1, std::string_view(url));
    return stmt.step() ? text(stmt, 0) : std::string();
  };
  view.redirects = redirect_chain(
      page.url, page.redirect_to, 10, [&](const std::string& url) { return look_up(from, url); },
      [&](const std::string& url) { return look_up(to, url); });

  std::tie(view.links_out, view.links_out_total) = linked_urls(
      db,
      "SELECT u.url FROM links l JOIN urls u ON u.id = l.to_url WHERE l.from_page = ?1 LIMIT ?2",
      "SELECT count(*) FROM links WHERE from_page = ?1", id, max_links);
  std::tie(view.links_in, view.links_in_total) = linked_urls(
      db,
      "SELECT p.url FROM links l JOIN pages p ON p.id = l.from_page WHERE l.to_url = ?1 LIMIT ?2",
      "SELECT count(*) FROM links WHERE to_url = ?1", url_id, max_links);
  return view;
}

namespace {

std::optional<std::string> optional_text(const Statement& stmt, int column) {
  if (sqlite3_column_type(stmt.get(), column) == SQLITE_NULL) return std::nullopt;
  return text(stmt, column);
}

std::optional<std::int64_t> optional_int(const Statement& stmt, int column) {
  if (sqlite3_column_type(stmt.get(), column) == SQLITE_NULL) return std::nullopt;
  return stmt.column_int(column);
}

}  // namespace

std::optional<UrlState> url_state(const std::string& db_path, const std::string& url) {
  Database db = open_for_reading(db_path);
  Statement stmt(db,
                 "SELECT state, depth, source, found_on, attempts, last_error, fetched_at,"
                 " next_visit_ms FROM url_states WHERE url = ?1");
  stmt.bind(1, std::string_view(url));
  if (!stmt.step()) return std::nullopt;
  return UrlState{text(stmt, 0),          optional_int(stmt, 1), optional_text(stmt, 2),
                  optional_text(stmt, 3), optional_int(stmt, 4), optional_text(stmt, 5),
                  optional_text(stmt, 6), optional_int(stmt, 7)};
}

OriginQueue origin_queue(const std::string& db_path, const std::string& origin, std::int64_t offset,
                         int limit) {
  Database db = open_for_reading(db_path);
  OriginQueue queue;
  Statement listed(db,
                   "SELECT url, depth, source FROM urls WHERE state = 'queued' AND origin = ?1"
                   " ORDER BY id LIMIT ?2 OFFSET ?3");
  listed.bind(1, std::string_view(origin)).bind(2, std::int64_t{limit}).bind(3, offset);
  while (listed.step())
    queue.urls.push_back({text(listed, 0), optional_int(listed, 1), optional_text(listed, 2)});
  Statement counted(db, "SELECT count(*) FROM urls WHERE state = 'queued' AND origin = ?1");
  counted.bind(1, std::string_view(origin));
  counted.step();
  queue.total = counted.column_int(0);
  return queue;
}

std::optional<KeptRobotsTxt> kept_robots_txt(const std::string& db_path,
                                             const std::string& origin) {
  Database db = open_for_reading(db_path);
  Statement stmt(db,
                 "SELECT status, http_status, body, fetched_at_ms FROM robots WHERE origin = ?1");
  stmt.bind(1, std::string_view(origin));
  if (!stmt.step()) return std::nullopt;
  return KeptRobotsTxt{text(stmt, 0), optional_int(stmt, 1), optional_text(stmt, 2),
                       stmt.column_int(3)};
}

}  // namespace crawler::storage::sqlite
