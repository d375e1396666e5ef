// SqliteStore: the CrawlStore of one SQLite file, the embedded default. The
// writer (PageStore) has the file's read-write connection; refills, the seen
// set, robots.txt look-ups and due revisits each read on their own read-only
// connection, beside it (WAL).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "storage/crawl_store.hpp"
#include "storage/sqlite/kept_robots.hpp"
#include "storage/sqlite/page_store.hpp"
#include "storage/sqlite/queued_urls.hpp"
#include "storage/sqlite/writer_lock.hpp"

namespace crawler::storage {

class SqliteStore final : public CrawlStore {
 public:
  /// Opens (creating and migrating if needed) the database at `path`;
  /// with options.exclusive_writer, takes its writer lock first, so a
  /// second crawler does not even migrate the schema.
  explicit SqliteStore(const std::string& path, const StoreOptions& options = {});

  std::size_t write(std::span<const PageRecord> pages) override {
    writer_.write(pages);
    return 0;  // one crawler per file: nothing to fence
  }
  void queue(const std::vector<std::string>& urls, int depth,
             QueueSource source = QueueSource::kSeed) override {
    writer_.queue(urls, depth, source);
  }
  std::int64_t page_count() override { return writer_.page_count(); }
  LeftByEarlierRuns left_by_earlier_runs() override { return writer_.left_by_earlier_runs(); }
  std::vector<OriginControl> origin_controls() override { return writer_.origin_controls(); }
  std::optional<std::int64_t> queued_url_count() const override { return writer_.queued_count(); }

  std::optional<std::string> queued_origin_after(const std::string& after) override {
    return queued_.host_after(after);
  }
  std::vector<QueuedUrl> oldest_queued(const std::string& origin, std::size_t limit) override {
    return queued_.oldest(origin, limit);
  }
  std::vector<std::string> seen_urls(SeenCursor& cursor, std::size_t limit) override {
    return seen_.next(cursor, limit);
  }
  std::int64_t seen_url_count() override { return seen_.count(); }
  std::optional<RobotsFile> kept_robots(const std::string& origin) override {
    return robots_.find(origin);
  }
  std::vector<DuePage> due_pages(std::int64_t now_ms, int limit, DueCursor cursor) override {
    return storage::due_pages(path_, now_ms, limit, cursor);
  }

 private:
  std::string path_;
  std::unique_ptr<WriterLock> lock_;  // taken before the writer opens the file
  PageStore writer_;
  QueuedUrlReader queued_;
  SeenReader seen_;
  KeptRobots robots_;
};

}  // namespace crawler::storage
