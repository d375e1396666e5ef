// PageStore: see page_store.hpp.
#include "storage/page_store.hpp"

#include <ctime>

#include "storage/schema.hpp"

namespace crawler::storage {

namespace {

constexpr std::size_t kUrlIdCacheSize = 200'000;

std::string iso8601_utc(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(unix_ms % 1000));
  return text;
}

void bind_optional(Statement& stmt, int index, const std::string& text) {
  if (text.empty()) {
    stmt.bind_null(index);
  } else {
    stmt.bind(index, std::string_view(text));
  }
}

}  // namespace

PageStore::PageStore(const std::string& path, bool index_text)
    : db_(open_crawl_database(path)),
      insert_url_(db_, "INSERT OR IGNORE INTO urls(url) VALUES (?1)"),
      select_url_(db_, "SELECT id FROM urls WHERE url = ?1"),
      insert_page_(db_,
                   "INSERT INTO pages(url_id, url, final_url, depth, status, content_type, title,"
                   " fetched_at, bytes, duration_ms, error, error_detail, truncated, attempts,"
                   " redirect_to, canonical, noindex, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                   " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"),
      insert_link_(db_, "INSERT OR IGNORE INTO links(from_page, to_url) VALUES (?1, ?2)"),
      mark_done_(db_, "UPDATE urls SET state = 'done', depth = ?2 WHERE id = ?1"),
      mark_queued_(
          db_, "UPDATE urls SET state = 'queued', depth = ?2 WHERE id = ?1 AND state = 'linked'"),
      index_page_(db_, "INSERT INTO pages_fts(rowid, title, text) VALUES (?1, ?2, ?3)"),
      index_text_(index_text) {}

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
  try {
    write_all(pages);
  } catch (...) {
    url_ids_.clear();
    throw;
  }
}

void PageStore::write_all(std::span<const PageRecord> pages) {
  Transaction transaction(db_);
  for (const PageRecord& page : pages) {
    std::int64_t id = url_id(page.url);
    insert_page_.bind(1, id).bind(2, std::string_view(page.url));
    bind_optional(insert_page_, 3, page.final_url);
    insert_page_.bind(4, std::int64_t{page.depth});
    if (page.status > 0) {
      insert_page_.bind(5, std::int64_t{page.status});
    } else {
      insert_page_.bind_null(5);
    }
    bind_optional(insert_page_, 6, page.content_type);
    bind_optional(insert_page_, 7, page.title);
    insert_page_.bind(8, std::string_view(iso8601_utc(page.fetched_at_ms)));
    insert_page_.bind(9, page.bytes).bind(10, page.duration_ms);
    bind_optional(insert_page_, 11, page.error);
    bind_optional(insert_page_, 12, page.error_detail);
    insert_page_.bind(13, std::int64_t{page.truncated ? 1 : 0});
    insert_page_.bind(14, std::int64_t{page.attempts});
    bind_optional(insert_page_, 15, page.redirect_to);
    bind_optional(insert_page_, 16, page.canonical);
    insert_page_.bind(17, std::int64_t{page.noindex ? 1 : 0});
    bind_optional(insert_page_, 18, page.text);
    insert_page_.run();
    std::int64_t page_id = db_.last_insert_rowid();
    if (index_text_ && (!page.title.empty() || !page.text.empty())) {
      index_page_.bind(1, page_id);
      bind_optional(index_page_, 2, page.title);
      bind_optional(index_page_, 3, page.text);
      index_page_.run();
    }
    mark_done_.bind(1, id).bind(2, std::int64_t{page.depth}).run();
    for (const std::string& link : page.links)
      insert_link_.bind(1, page_id).bind(2, url_id(link)).run();
    for (const std::string& url : page.queued)
      mark_queued_.bind(1, url_id(url)).bind(2, std::int64_t{page.queued_depth}).run();
  }
  transaction.commit();
}

void PageStore::queue(const std::vector<std::string>& urls, int depth) {
  Transaction transaction(db_);
  for (const std::string& url : urls)
    mark_queued_.bind(1, url_id(url)).bind(2, std::int64_t{depth}).run();
  transaction.commit();
}

std::vector<QueuedUrl> PageStore::load_frontier(
    const std::function<void(std::string_view)>& on_seen) {
  std::vector<QueuedUrl> queued;
  Statement known(db_, "SELECT url, state, coalesce(depth, 0) FROM urls WHERE state <> 'linked'");
  while (known.step()) {
    std::string_view url(reinterpret_cast<const char*>(sqlite3_column_text(known.get(), 0)),
                         static_cast<std::size_t>(sqlite3_column_bytes(known.get(), 0)));
    on_seen(url);
    std::string_view state(reinterpret_cast<const char*>(sqlite3_column_text(known.get(), 1)));
    if (state == "queued")
      queued.push_back({std::string(url), static_cast<int>(known.column_int(2))});
  }
  return queued;
}

std::int64_t PageStore::page_count() {
  Statement count(db_, "SELECT count(*) FROM pages");
  count.step();
  return count.column_int(0);
}

}  // namespace crawler::storage
