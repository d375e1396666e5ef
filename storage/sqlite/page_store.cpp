// PageStore: see page_store.hpp.
#include "storage/sqlite/page_store.hpp"

#include "storage/sqlite/schema.hpp"

namespace crawler::storage {

namespace {

constexpr std::size_t kUrlIdCacheSize = 100'000;

void bind_optional(Statement& stmt, int index, const std::string& text) {
  if (text.empty()) {
    stmt.bind_null(index);
  } else {
    stmt.bind(index, std::string_view(text));
  }
}

// ?index: the revisit interval in seconds, ?index+1: when that ends (Unix ms).
void bind_next_visit(Statement& stmt, int index, const PageRecord& page) {
  if (page.revisit_after_s <= 0) {
    stmt.bind_null(index).bind_null(index + 1);
    return;
  }
  stmt.bind(index, page.revisit_after_s)
      .bind(index + 1, page.fetched_at_ms + page.revisit_after_s * 1000);
}

// Binds ?1..?26 of the insert and update statements: the page's columns.
void bind_page(Statement& stmt, std::int64_t url_id, const PageRecord& page) {
  stmt.bind(1, url_id).bind(2, std::string_view(page.url));
  bind_optional(stmt, 3, page.final_url);
  stmt.bind(4, std::int64_t{page.depth});
  if (page.status > 0) {
    stmt.bind(5, std::int64_t{page.status});
  } else {
    stmt.bind_null(5);
  }
  bind_optional(stmt, 6, page.content_type);
  bind_optional(stmt, 7, page.title);
  stmt.bind(8, std::string_view(iso8601_utc(page.fetched_at_ms)));
  stmt.bind(9, page.bytes).bind(10, page.duration_ms);
  bind_optional(stmt, 11, page.error);
  bind_optional(stmt, 12, page.error_detail);
  stmt.bind(13, std::int64_t{page.truncated ? 1 : 0});
  stmt.bind(14, std::int64_t{page.attempts});
  bind_optional(stmt, 15, page.redirect_to);
  bind_optional(stmt, 16, page.canonical);
  stmt.bind(17, std::int64_t{page.noindex ? 1 : 0});
  bind_optional(stmt, 18, page.text);
  bind_optional(stmt, 19, page.etag);
  bind_optional(stmt, 20, page.last_modified);
  bind_optional(stmt, 21, page.content_hash);
  bind_next_visit(stmt, 22, page);
  stmt.bind(25, static_cast<std::int64_t>(page.links_dropped));
  bind_optional(stmt, 26, page.address);
}

}  // namespace

PageStore::PageStore(const std::string& path, bool index_text)
    : db_(open_crawl_database(path)),
      insert_url_(db_, "INSERT OR IGNORE INTO urls(url) VALUES (?1)"),
      select_url_(db_, "SELECT id FROM urls WHERE url = ?1"),
      insert_page_(
          db_,
          "INSERT INTO pages(url_id, url, final_url, depth, status, content_type, title,"
          " fetched_at, bytes, duration_ms, error, error_detail, truncated, attempts,"
          " redirect_to, canonical, noindex, text, etag, last_modified, content_hash,"
          " revisit_after_s, next_visit_ms, indexed, links_dropped, address) VALUES (?1, ?2,"
          " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
          " ?21, ?22, ?23, ?24, ?25, ?26)"),
      insert_link_(db_, "INSERT OR IGNORE INTO links(from_page, to_url) VALUES (?1, ?2)"),
      mark_done_(db_, "UPDATE urls SET state = 'done', depth = ?2 WHERE id = ?1"),
      mark_queued_done_(db_,
                        "UPDATE urls SET state = 'done', depth = ?2 WHERE id = ?1"
                        " AND state = 'queued'"),
      mark_queued_(db_,
                   "UPDATE urls SET state = 'queued', depth = ?2, origin = crawl_origin(url),"
                   " source = ?3, found_on = ?4 WHERE id = ?1 AND state = 'linked'"),
      index_page_(db_, "INSERT INTO pages_fts(rowid, title, text) VALUES (?1, ?2, ?3)"),
      find_page_(db_, "SELECT id, indexed FROM pages WHERE url_id = ?1"),
      mark_indexed_(db_, "UPDATE pages SET indexed = 1 WHERE id = ?1"),
      mark_unchanged_(db_,
                      "UPDATE pages SET fetched_at = ?2, attempts = ?3, revisit_after_s = ?4,"
                      " next_visit_ms = ?5, etag = coalesce(?6, etag),"
                      " last_modified = coalesce(?7, last_modified) WHERE id = ?1"),
      update_page_(db_,
                   "UPDATE pages SET final_url = ?3, depth = ?4, status = ?5, content_type = ?6,"
                   " title = ?7, fetched_at = ?8, bytes = ?9, duration_ms = ?10, error = ?11,"
                   " error_detail = ?12, truncated = ?13, attempts = ?14, redirect_to = ?15,"
                   " canonical = ?16, noindex = ?17, text = ?18, etag = ?19, last_modified = ?20,"
                   " content_hash = ?21, revisit_after_s = ?22, next_visit_ms = ?23,"
                   " links_dropped = ?25, address = ?26, changes = changes + 1"
                   " WHERE url_id = ?1 AND ?2 IS NOT NULL"),
      drop_links_(db_, "DELETE FROM links WHERE from_page = ?1"),
      keep_robots_(db_,
                   "INSERT OR REPLACE INTO robots(origin, status, http_status, body, fetched_at_ms)"
                   " VALUES (?1, ?2, ?3, ?4, ?5)"),
      keep_control_(db_,
                    "INSERT OR REPLACE INTO origin_controls(origin, paused, blocked, delay_ms,"
                    " changed_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)"),
      keep_response_(db_,
                     "INSERT OR REPLACE INTO responses(page_id, request, head, body, body_size)"
                     " VALUES (?1, ?2, ?3, ?4, ?5)"),
      index_text_(index_text) {
  // Once, when the store opens (the partial index urls_queued serves it);
  // from then on each commit moves the count.
  Statement count(db_, "SELECT count(*) FROM urls WHERE state = 'queued'");
  count.step();
  queued_count_.store(count.column_int(0), std::memory_order_relaxed);
}

std::int64_t PageStore::url_id(const std::string& url) {
  if (auto it = url_ids_.find(url); it != url_ids_.end()) return it->second;
  std::int64_t id = 0;
  insert_url_.bind(1, std::string_view(url)).run();
  if (db_.changes() > 0) {
    id = db_.last_insert_rowid();
  } else {
    select_url_.bind(1, std::string_view(url));
    select_url_.step();
    id = select_url_.column_int(0);
    select_url_.reset();
  }
  if (url_ids_.size() >= kUrlIdCacheSize) url_ids_.clear();
  url_ids_.emplace(url, id);
  return id;
}

void PageStore::write(std::span<const PageRecord> pages) {
  queued_change_ = 0;
  try {
    write_all(pages);
  } catch (...) {
    url_ids_.clear();
    queued_change_ = 0;  // rolled back with the rest
    throw;
  }
  queued_count_.fetch_add(queued_change_, std::memory_order_relaxed);
  queued_change_ = 0;
}

void PageStore::write_all(std::span<const PageRecord> pages) {
  Transaction transaction(db_);
  for (const PageRecord& page : pages) {
    if (page.robots) {
      const RobotsFile& robots = *page.robots;
      keep_robots_.bind(1, std::string_view(robots.origin))
          .bind(2, std::string_view(robots.parsed ? "parsed" : "allow_all"))
          .bind(3, std::int64_t{robots.http_status})
          .bind(4, std::string_view(robots.body))
          .bind(5, robots.fetched_at_ms)
          .run();
    }
    if (page.control) {
      const OriginControl& control = *page.control;
      keep_control_.bind(1, std::string_view(control.origin))
          .bind(2, std::int64_t{control.paused ? 1 : 0})
          .bind(3, std::int64_t{control.blocked ? 1 : 0});
      if (control.delay_ms >= 0) {
        keep_control_.bind(4, control.delay_ms);
      } else {
        keep_control_.bind_null(4);
      }
      keep_control_.bind(5, control.changed_at_ms).run();
    }
    if (page.queue_only) {
      for (const std::string& url : page.queued)
        mark_queued(url, page.queued_depth, page.queued_source, 0);
    } else if (page.revisit) {
      write_revisit(page);
    } else {
      insert(page);
    }
  }
  transaction.commit();
}

void PageStore::insert(const PageRecord& page) {
  std::int64_t id = url_id(page.url);
  bool indexed = index_text_ && (!page.title.empty() || !page.text.empty());
  bind_page(insert_page_, id, page);
  insert_page_.bind(24, std::int64_t{indexed ? 1 : 0});
  insert_page_.run();
  std::int64_t page_id = db_.last_insert_rowid();
  if (indexed) {
    index_page_.bind(1, page_id);
    bind_optional(index_page_, 2, page.title);
    bind_optional(index_page_, 3, page.text);
    index_page_.run();
  }
  mark_done(id, page.depth);
  write_links(page_id, page);
  write_response(page_id, page);
}

void PageStore::write_response(std::int64_t page_id, const PageRecord& page) {
  if (page.raw_head.empty()) return;
  std::string body = deflate_text(page.raw_body);
  keep_response_.bind(1, page_id);
  bind_optional(keep_response_, 2, page.raw_request);
  keep_response_.bind(3, std::string_view(page.raw_head));
  if (sqlite3_bind_blob64(keep_response_.get(), 4, body.data(), body.size(), SQLITE_TRANSIENT) !=
      SQLITE_OK)
    db_.fail("bind");
  keep_response_.bind(5, static_cast<std::int64_t>(page.raw_body.size())).run();
}

void PageStore::write_links(std::int64_t page_id, const PageRecord& page) {
  for (const std::string& link : page.links)
    insert_link_.bind(1, page_id).bind(2, url_id(link)).run();
  for (const std::string& url : page.queued)
    mark_queued(url, page.queued_depth, page.queued_source, page_id);
}

// A queued URL that is done leaves the queued count; one only linked (or
// done before) does not.
void PageStore::mark_done(std::int64_t id, int depth) {
  mark_queued_done_.bind(1, id).bind(2, std::int64_t{depth}).run();
  if (db_.changes() > 0) {
    --queued_change_;
    return;
  }
  mark_done_.bind(1, id).bind(2, std::int64_t{depth}).run();
}

// found_on: the page whose links or redirect named the URL; 0 for none.
void PageStore::mark_queued(const std::string& url, int depth, QueueSource source,
                            std::int64_t found_on) {
  mark_queued_.bind(1, url_id(url)).bind(2, std::int64_t{depth});
  mark_queued_.bind(3, queue_source_name(source));
  if (found_on > 0) {
    mark_queued_.bind(4, found_on);
  } else {
    mark_queued_.bind_null(4);
  }
  mark_queued_.run();
  if (db_.changes() > 0) ++queued_change_;
}

// A revisit updates the page's row in place: one row per URL, always. An
// unchanged page keeps its content, links and index entry; a changed one is
// rewritten, its links replaced, and the full-text index follows by trigger.
void PageStore::write_revisit(const PageRecord& page) {
  std::int64_t id = url_id(page.url);
  find_page_.bind(1, id);
  bool stored = find_page_.step();
  std::int64_t page_id = stored ? find_page_.column_int(0) : 0;
  bool was_indexed = stored && find_page_.column_int(1) != 0;
  find_page_.reset();
  if (!stored) {
    insert(page);  // stored by no one yet (the database was replaced?): a first visit
    return;
  }
  if (page.unchanged) {
    mark_unchanged_.bind(1, page_id)
        .bind(2, std::string_view(iso8601_utc(page.fetched_at_ms)))
        .bind(3, std::int64_t{page.attempts});
    bind_next_visit(mark_unchanged_, 4, page);
    bind_optional(mark_unchanged_, 6, page.etag);
    bind_optional(mark_unchanged_, 7, page.last_modified);
    mark_unchanged_.run();
    return;
  }
  bind_page(update_page_, id, page);
  update_page_.run();
  // The index trigger follows pages that were indexed; one first stored
  // empty (an error, a redirect) enters the index with its first content.
  if (!was_indexed && index_text_ && (!page.title.empty() || !page.text.empty())) {
    index_page_.bind(1, page_id);
    bind_optional(index_page_, 2, page.title);
    bind_optional(index_page_, 3, page.text);
    index_page_.run();
    mark_indexed_.bind(1, page_id).run();
  }
  drop_links_.bind(1, page_id).run();
  write_links(page_id, page);
  write_response(page_id, page);
}

void PageStore::queue(const std::vector<std::string>& urls, int depth, QueueSource source) {
  queued_change_ = 0;
  try {
    Transaction transaction(db_);
    for (const std::string& url : urls) mark_queued(url, depth, source, 0);
    transaction.commit();
  } catch (...) {
    url_ids_.clear();
    queued_change_ = 0;
    throw;
  }
  queued_count_.fetch_add(queued_change_, std::memory_order_relaxed);
  queued_change_ = 0;
}

LeftByEarlierRuns PageStore::left_by_earlier_runs() {
  Statement left(db_,
                 "SELECT EXISTS (SELECT 1 FROM urls WHERE state <> 'linked'),"
                 " EXISTS (SELECT 1 FROM urls WHERE state = 'queued')");
  left.step();
  return {left.column_int(0) != 0, left.column_int(1) != 0};
}

std::vector<OriginControl> PageStore::origin_controls() {
  Statement read(db_,
                 "SELECT origin, paused, blocked, coalesce(delay_ms, -1), changed_at_ms"
                 " FROM origin_controls ORDER BY origin");
  std::vector<OriginControl> controls;
  while (read.step())
    controls.push_back({std::string(read.column_text(0)), read.column_int(1) != 0,
                        read.column_int(2) != 0, read.column_int(3), read.column_int(4)});
  return controls;
}

std::vector<DuePage> due_pages(const std::string& db_path, std::int64_t now_ms, int limit,
                               DueCursor cursor) {
  Database db(db_path, SQLITE_OPEN_READONLY);
  Statement due(db,
                "SELECT url, depth, coalesce(etag, ''), coalesce(last_modified, ''),"
                " coalesce(content_hash, ''), revisit_after_s, next_visit_ms, id FROM pages"
                " WHERE next_visit_ms <= ?1 AND (next_visit_ms, id) > (?3, ?4)"
                " ORDER BY next_visit_ms, id LIMIT ?2");
  due.bind(1, now_ms).bind(2, std::int64_t{limit});
  due.bind(3, cursor.next_visit_ms).bind(4, cursor.page_id);
  std::vector<DuePage> pages;
  auto text = [&](int column) { return std::string(due.column_text(column)); };
  while (due.step())
    pages.push_back({text(0), static_cast<int>(due.column_int(1)), text(2), text(3), text(4),
                     due.column_int(5), due.column_int(6), due.column_int(7)});
  return pages;
}

std::int64_t PageStore::page_count() {
  Statement count(db_, "SELECT count(*) FROM pages");
  count.step();
  return count.column_int(0);
}

}  // namespace crawler::storage
