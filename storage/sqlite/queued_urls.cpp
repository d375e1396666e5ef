// QueuedUrlReader and SeenReader: see queued_urls.hpp. The reader's queries
// are seeks on the partial index urls_queued_origin(origin, id) WHERE
// state = 'queued', named: without statistics SQLite's planner prefers
// urls_queued(state) and scans every queued URL for each origin (36 s for
// the first refill at a million queued URLs). SeenReader walks the table by id.
#include "storage/sqlite/queued_urls.hpp"

namespace crawler::storage {

QueuedUrlReader::QueuedUrlReader(const std::string& db_path)
    : db_(db_path, SQLITE_OPEN_READONLY),
      host_after_(db_,
                  "SELECT origin FROM urls INDEXED BY urls_queued_origin"
                  " WHERE state = 'queued' AND origin > ?1 ORDER BY origin LIMIT 1"),
      oldest_(db_,
              "SELECT url, coalesce(depth, 0) FROM urls INDEXED BY urls_queued_origin"
              " WHERE state = 'queued' AND origin = ?1 ORDER BY id LIMIT ?2") {}

std::optional<std::string> QueuedUrlReader::host_after(const std::string& after) {
  host_after_.bind(1, std::string_view(after));
  std::optional<std::string> host;
  if (host_after_.step()) host.emplace(host_after_.column_text(0));
  host_after_.reset();
  return host;
}

std::vector<QueuedUrl> QueuedUrlReader::oldest(const std::string& host, std::size_t limit) {
  oldest_.bind(1, std::string_view(host)).bind(2, static_cast<std::int64_t>(limit));
  std::vector<QueuedUrl> urls;
  while (oldest_.step())
    urls.push_back({std::string(oldest_.column_text(0)), static_cast<int>(oldest_.column_int(1))});
  oldest_.reset();
  return urls;
}

SeenReader::SeenReader(const std::string& db_path)
    : db_(db_path, SQLITE_OPEN_READONLY),
      next_(db_,
            "SELECT id, url FROM urls WHERE id > ?1 AND state <> 'linked' ORDER BY id LIMIT ?2"),
      count_(db_, "SELECT count(*) FROM urls WHERE state <> 'linked'") {}

std::vector<std::string> SeenReader::next(SeenCursor& cursor, std::size_t limit) {
  next_.bind(1, cursor.after).bind(2, static_cast<std::int64_t>(limit));
  std::vector<std::string> urls;
  while (next_.step()) {
    cursor.after = next_.column_int(0);
    urls.emplace_back(next_.column_text(1));
  }
  next_.reset();
  return urls;
}

std::int64_t SeenReader::count() {
  count_.step();
  std::int64_t urls = count_.column_int(0);
  count_.reset();
  return urls;
}

}  // namespace crawler::storage
