// Schema and migrations: see schema.hpp. docs/schema.md documents each column.
#include "storage/sqlite/schema.hpp"

#include <string>
#include <string_view>

#include "parsers/url.hpp"

namespace crawler::storage {

namespace {

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE urls (
  id    INTEGER PRIMARY KEY,
  url   TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL DEFAULT 'linked' CHECK (state IN ('linked', 'queued', 'done')),
  depth INTEGER
);
CREATE INDEX urls_queued ON urls(state) WHERE state = 'queued';
CREATE TABLE pages (
  id           INTEGER PRIMARY KEY,
  url_id       INTEGER NOT NULL UNIQUE REFERENCES urls(id),
  url          TEXT NOT NULL,
  final_url    TEXT,
  depth        INTEGER NOT NULL,
  status       INTEGER,
  content_type TEXT,
  title        TEXT,
  fetched_at   TEXT NOT NULL,
  bytes        INTEGER NOT NULL DEFAULT 0,
  duration_ms  REAL,
  error        TEXT,
  error_detail TEXT,
  truncated    INTEGER NOT NULL DEFAULT 0,
  attempts     INTEGER NOT NULL DEFAULT 1,
  redirect_to  TEXT,
  canonical    TEXT,
  noindex      INTEGER NOT NULL DEFAULT 0,
  text         TEXT
);
CREATE TABLE links (
  from_page INTEGER NOT NULL REFERENCES pages(id),
  to_url    INTEGER NOT NULL REFERENCES urls(id),
  PRIMARY KEY (from_page, to_url)
) WITHOUT ROWID;
CREATE INDEX links_to_url ON links(to_url);
CREATE VIEW link_urls AS
  SELECT p.url AS from_url, u.url AS to_url
  FROM links l JOIN pages p ON p.id = l.from_page JOIN urls u ON u.id = l.to_url;
)sql";

// Version 2: full-text search over titles and text (an external-content
// FTS5 table: the text is stored once). New pages are indexed by PageStore,
// which can be told not to (indexing is a third of a crawl's CPU); changed
// and deleted pages are kept in step by triggers.
constexpr const char* kSchemaV2 = R"sql(
CREATE VIRTUAL TABLE pages_fts USING fts5(
  title, text, content='pages', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER pages_fts_delete AFTER DELETE ON pages BEGIN
  INSERT INTO pages_fts(pages_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER pages_fts_update AFTER UPDATE OF title, text ON pages BEGIN
  INSERT INTO pages_fts(pages_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
  INSERT INTO pages_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
INSERT INTO pages_fts(pages_fts) VALUES ('rebuild');
)sql";

// Version 3: revisits (what a conditional request needs: validators, a hash
// of the body; and when the page is due again), and robots.txt files kept
// with the crawl so a restart does not ask every origin again, and the raw
// exchanges (request head, response head, deflated body) when asked to keep
// them, for WARC export. `indexed` marks the rows in the full-text index: the
// triggers must never ask FTS5 to delete a row it does not hold.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE pages ADD COLUMN etag TEXT;
ALTER TABLE pages ADD COLUMN last_modified TEXT;
ALTER TABLE pages ADD COLUMN content_hash TEXT;
ALTER TABLE pages ADD COLUMN revisit_after_s INTEGER;
ALTER TABLE pages ADD COLUMN next_visit_ms INTEGER;
ALTER TABLE pages ADD COLUMN changes INTEGER NOT NULL DEFAULT 0;
CREATE INDEX pages_next_visit ON pages(next_visit_ms);
ALTER TABLE pages ADD COLUMN indexed INTEGER NOT NULL DEFAULT 1;
DROP TRIGGER pages_fts_delete;
DROP TRIGGER pages_fts_update;
CREATE TRIGGER pages_fts_delete AFTER DELETE ON pages WHEN old.indexed BEGIN
  INSERT INTO pages_fts(pages_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER pages_fts_update AFTER UPDATE OF title, text ON pages WHEN old.indexed BEGIN
  INSERT INTO pages_fts(pages_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
  INSERT INTO pages_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TABLE responses (
  page_id   INTEGER PRIMARY KEY REFERENCES pages(id),
  request   TEXT,
  head      TEXT NOT NULL,
  body      BLOB,
  body_size INTEGER NOT NULL
);
CREATE TABLE robots (
  origin        TEXT PRIMARY KEY,
  status        TEXT NOT NULL CHECK (status IN ('parsed', 'allow_all')),
  http_status   INTEGER,
  body          TEXT,
  fetched_at_ms INTEGER NOT NULL
);
)sql";

// Version 4: the frontier's window. Only a bounded part of the queued URLs
// is held in memory; the rest is read back host by host, oldest first, so
// queued URLs carry their host and an index serves "the next queued URLs of
// this host" and "the next host with queued URLs". And where each queued
// URL was found: how (source) and on which page (found_on).
constexpr const char* kSchemaV4 = R"sql(
ALTER TABLE urls ADD COLUMN host TEXT;
ALTER TABLE urls ADD COLUMN source TEXT
  CHECK (source IN ('seed', 'link', 'redirect', 'sitemap'));
ALTER TABLE urls ADD COLUMN found_on INTEGER REFERENCES pages(id);
CREATE VIEW url_states AS
  SELECT u.url,
         CASE WHEN u.state = 'done' AND p.error IS NOT NULL THEN 'failed' ELSE u.state END AS state,
         u.depth, u.source, f.url AS found_on, p.attempts, p.error AS last_error,
         p.fetched_at, p.next_visit_ms
  FROM urls u LEFT JOIN pages p ON p.url_id = u.id LEFT JOIN pages f ON f.id = u.found_on;
UPDATE urls SET host = crawl_host(url) WHERE state = 'queued';
CREATE INDEX urls_queued_host ON urls(host, id) WHERE state = 'queued';
)sql";

// Version 5: queued URLs are read back per origin (scheme, host, port), the
// frontier's unit of politeness: one origin's trouble must not hold another
// on the same host name. And pages count the links past their cap.
constexpr const char* kSchemaV5 = R"sql(
DROP INDEX urls_queued_host;
ALTER TABLE urls RENAME COLUMN host TO origin;
UPDATE urls SET origin = crawl_origin(url) WHERE state = 'queued';
CREATE INDEX urls_queued_origin ON urls(origin, id) WHERE state = 'queued';
ALTER TABLE pages ADD COLUMN links_dropped INTEGER NOT NULL DEFAULT 0;
)sql";

// Version 6: the console's page view asks which pages redirected to a URL.
// Partial: only redirects are indexed.
constexpr const char* kSchemaV6 = R"sql(
CREATE INDEX pages_redirect_to ON pages(redirect_to) WHERE redirect_to IS NOT NULL;
)sql";

// Version 7: the full-text index merges its segments 16 at a time instead
// of 4. Each batch of pages adds a segment, and with 4 every indexed word
// was rewritten about twice as often: bench/crawl_site ran 6-28 % faster
// (median 15 %, four interleaved pairs). A search reads a few more segments.
constexpr const char* kSchemaV7 = R"sql(
INSERT INTO pages_fts(pages_fts, rank) VALUES ('automerge', 16);
)sql";

// Version 8: the console's orders for origins (pause, delay, block), kept
// across restarts; one row per origin, the newest order.
constexpr const char* kSchemaV8 = R"sql(
CREATE TABLE origin_controls (
  origin        TEXT PRIMARY KEY,
  paused        INTEGER NOT NULL DEFAULT 0,
  blocked       INTEGER NOT NULL DEFAULT 0,
  delay_ms      INTEGER,
  changed_at_ms INTEGER NOT NULL
);
)sql";

// Version 9: the server address each page was fetched from (the DNS step's
// answer): politeness is counted per address, and a page says which.
constexpr const char* kSchemaV9 = R"sql(
ALTER TABLE pages ADD COLUMN address TEXT;
)sql";

struct Migration {
  int version;
  const char* sql;
};
constexpr Migration kMigrations[] = {{1, kSchemaV1}, {2, kSchemaV2}, {3, kSchemaV3},
                                     {4, kSchemaV4}, {5, kSchemaV5}, {6, kSchemaV6},
                                     {7, kSchemaV7}, {8, kSchemaV8}, {9, kSchemaV9}};

int user_version(Database& db) {
  Statement version = db.prepare("PRAGMA user_version");
  version.step();
  return static_cast<int>(version.column_int(0));
}

// crawl_host(url) (schema 4) and crawl_origin(url): the part of a
// normalized URL the frontier groups it under.
template <std::string_view (*part)(std::string_view)>
void url_part(sqlite3_context* context, int, sqlite3_value** args) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(args[0]));
  if (text == nullptr) {
    sqlite3_result_null(context);
    return;
  }
  std::string_view value = part(text);
  sqlite3_result_text(context, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

}  // namespace

void add_crawl_functions(Database& db) {
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
  if (sqlite3_create_function(db.get(), "crawl_host", 1, kFlags, nullptr,
                              &url_part<parsers::normalized_host>, nullptr, nullptr) != SQLITE_OK)
    db.fail("create function crawl_host");
  if (sqlite3_create_function(db.get(), "crawl_origin", 1, kFlags, nullptr,
                              &url_part<parsers::normalized_origin>, nullptr, nullptr) != SQLITE_OK)
    db.fail("create function crawl_origin");
}

Database open_crawl_database(const std::string& path) {
  Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // SQLite quietly opens a file it may not write read-only; a crawl would
  // then fetch pages it cannot store. Say so before anything happens.
  if (sqlite3_db_readonly(db.get(), "main") == 1)
    throw sqlite_error("database '" + path + "' is read-only: the crawler must write it (check " +
                           "the file's permissions and its file system)",
                       SQLITE_READONLY);
  // The first read is where a file that is not a database is found out.
  int version = 0;
  try {
    version = user_version(db);
    db.exec("PRAGMA journal_mode=WAL");
  } catch (const StorageError& e) {
    throw StorageError("cannot use database '" + path + "': " + sqlite3_errmsg(db.get()),
                       e.failure());
  }
  if (version > kSchemaVersion) {
    throw sqlite_error("database '" + path + "' has schema version " + std::to_string(version) +
                           ", newer than this crawler's " + std::to_string(kSchemaVersion),
                       SQLITE_ERROR);
  }
  // The writer's page cache: 16 MiB instead of SQLite's 2. With 2, the
  // indexes a crawl inserts into at random (urls by URL, links by target,
  // the full-text index) did not fit, every insert read pages back from the
  // file, and bench/crawl_site ran 25-30 % slower. Pages are allocated only
  // when used, so a small crawl does not pay for it.
  db.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-16384");
  add_crawl_functions(db);
  // Each step in its own transaction: a crash mid-way leaves a valid older version.
  for (const Migration& step : kMigrations) {
    if (step.version <= version) continue;
    Transaction migration(db);
    db.exec(step.sql);
    db.exec("PRAGMA user_version=" + std::to_string(step.version));
    migration.commit();
  }
  return db;
}

}  // namespace crawler::storage
