// KeptRobots: see kept_robots.hpp.
#include "storage/sqlite/kept_robots.hpp"

namespace crawler::storage {

KeptRobots::KeptRobots(const std::string& db_path)
    : db_(db_path, SQLITE_OPEN_READONLY | SQLITE_OPEN_FULLMUTEX),
      find_(db_,
            "SELECT status, coalesce(http_status, 0), coalesce(body, ''), fetched_at_ms"
            " FROM robots WHERE origin = ?1") {}

std::optional<RobotsFile> KeptRobots::find(const std::string& origin) {
  std::lock_guard lock(mutex_);
  find_.bind(1, std::string_view(origin));
  std::optional<RobotsFile> file;
  if (find_.step())
    file =
        RobotsFile{origin, find_.column_text(0) == "parsed", static_cast<long>(find_.column_int(1)),
                   std::string(find_.column_text(2)), find_.column_int(3)};
  find_.reset();
  return file;
}

}  // namespace crawler::storage
