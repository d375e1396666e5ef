// KeptRobots: the robots.txt files a crawl kept (table `robots`), looked up
// by origin from any thread: one read-only connection beside the writer,
// one lookup at a time.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "storage/sqlite/page_store.hpp"
#include "storage/sqlite/sqlite.hpp"

namespace crawler::storage {

class KeptRobots {
 public:
  explicit KeptRobots(const std::string& db_path);

  std::optional<RobotsFile> find(const std::string& origin);

 private:
  std::mutex mutex_;
  Database db_;
  Statement find_;
};

}  // namespace crawler::storage
