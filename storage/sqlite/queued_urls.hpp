// QueuedUrlReader: the read side of the durable frontier. A crawl holds only
// a window of its queued URLs in memory; this reads the next ones back from
// the database, origin by origin (the frontier's queues), oldest first. It opens its own read-only
// connection, so it runs beside the writer (on another thread, one call at
// a time) and sees what the writer has committed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/crawl_store.hpp"
#include "storage/page_record.hpp"
#include "storage/sqlite/sqlite.hpp"

namespace crawler::storage {

class QueuedUrlReader {
 public:
  explicit QueuedUrlReader(const std::string& db_path);

  /// The first origin with queued URLs that sorts after `after`.
  std::optional<std::string> host_after(const std::string& after);
  /// The oldest `limit` queued URLs of origin `host`.
  std::vector<QueuedUrl> oldest(const std::string& host, std::size_t limit);

 private:
  Database db_;
  Statement host_after_;
  Statement oldest_;
};

/// Reads the seen set an earlier run left (URLs known as queued or done) in
/// chunks, in id order, on its own read-only connection: a restarted crawl
/// loads it while it already fetches.
class SeenReader {
 public:
  explicit SeenReader(const std::string& db_path);

  /// The next `limit` URLs after `cursor` (a URL id), which moves on;
  /// fewer (perhaps none) at the end.
  std::vector<std::string> next(SeenCursor& cursor, std::size_t limit);
  /// How many URLs next() walks through from the start.
  std::int64_t count();

 private:
  Database db_;
  Statement next_;
  Statement count_;
};

}  // namespace crawler::storage
