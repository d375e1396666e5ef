// SIGHUP for a running crawl: reads the seed list again and adds the seeds
// that are new. (SIGINT and SIGTERM are plain async::SignalWatch calls of
// CrawlEngine::stop.)
#pragma once

#include <string>

#include "crawler/async/timer.hpp"
#include "crawler/crawl_engine.hpp"

namespace crawler {

/// A list that no longer loads is logged and the running seeds stay.
class SeedReloader {
 public:
  SeedReloader(uv_loop_t* loop, std::string path, CrawlEngine& engine);
  SeedReloader(const SeedReloader&) = delete;
  SeedReloader& operator=(const SeedReloader&) = delete;

 private:
  void reload() noexcept;

  std::string path_;
  CrawlEngine& engine_;
  async::SignalWatch signal_;
};

}  // namespace crawler
