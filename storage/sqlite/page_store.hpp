// PageStore: writes fetched pages, their links and the URLs they name, and
// keeps the durable frontier: every URL's state (linked: only known as a
// link; queued: to be fetched; done: its page is stored). A page, its links,
// the URLs it queued and its own state change commit together: one call to
// write() is one transaction, so a batch lands whole or not at all.
// It is the write side of the SQLite backend (SqliteStore); every SQL
// statement it runs stays in this file.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/crawl_store.hpp"
#include "storage/page_record.hpp"
#include "storage/sqlite/sqlite.hpp"

namespace crawler::storage {

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

  /// See CrawlStore::left_by_earlier_runs. Both are index seeks, not counts.
  LeftByEarlierRuns left_by_earlier_runs();
  /// See CrawlStore::origin_controls.
  std::vector<OriginControl> origin_controls();

  /// URLs in state 'queued' as of the last commit: counted when the store
  /// opens, then moved by each committed transaction. Any thread.
  std::int64_t queued_count() const { return queued_count_.load(std::memory_order_relaxed); }

 private:
  std::int64_t url_id(const std::string& url);
  void write_all(std::span<const PageRecord> pages);
  void insert(const PageRecord& page);
  void write_revisit(const PageRecord& page);
  void write_links(std::int64_t page_id, const PageRecord& page);
  void write_response(std::int64_t page_id, const PageRecord& page);
  void mark_queued(const std::string& url, int depth, QueueSource source, std::int64_t found_on);
  void mark_done(std::int64_t id, int depth);

  Database db_;
  // Most links point at URLs already stored; remembering their ids saves two
  // statements per link. Bounded: emptied when full, and after a failed
  // transaction (whose new ids were rolled back).
  std::unordered_map<std::string, std::int64_t> url_ids_;
  // The queued count, and its change in the transaction under way (applied
  // at commit, dropped with a rollback).
  std::atomic<std::int64_t> queued_count_{0};
  std::int64_t queued_change_ = 0;
  Statement insert_url_;
  Statement select_url_;
  Statement insert_page_;
  Statement insert_link_;
  Statement mark_done_;
  Statement mark_queued_done_;
  Statement mark_queued_;
  Statement index_page_;
  Statement find_page_;
  Statement mark_indexed_;
  Statement mark_unchanged_;
  Statement update_page_;
  Statement drop_links_;
  Statement keep_robots_;
  Statement keep_control_;
  Statement keep_response_;
  bool index_text_;
};

}  // namespace crawler::storage
