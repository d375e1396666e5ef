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

#include "storage/sqlite.hpp"

namespace crawler::storage {

/// A URL queued in the database, still to be fetched.
struct QueuedUrl {
  std::string url;
  int depth = 0;
};

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

}  // namespace crawler::storage
