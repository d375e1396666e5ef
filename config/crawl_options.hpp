// CrawlOptions: every setting of a crawl, with its default. The command line
// fills it today; a config file and environment overrides will fill the same
// struct, so the engine never knows where a value came from.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace crawler::config {

struct CrawlOptions {
  std::string seeds_path;
  std::string db_path;
  std::size_t concurrency = 64;  // fetches in flight over all hosts
  std::size_t per_host = 8;      // fetches in flight per host
  std::optional<std::size_t> max_pages;
  std::optional<int> max_depth;  // 0: the seeds only
  std::string user_agent = "crawler/0.1 (+https://github.com/crawler/crawler)";
  long connect_timeout_ms = 10'000;
  long total_timeout_ms = 30'000;
  std::size_t max_body_bytes = 10 * 1024 * 1024;
};

}  // namespace crawler::config
