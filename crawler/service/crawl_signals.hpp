// Signals for a running crawl. SIGHUP reads the seed list again and adds
// the seeds that are new. SIGINT and SIGTERM stop the crawl (CrawlEngine::
// stop); the second one means it: see exit_within.
#pragma once

#include <chrono>
#include <string>

#include "crawler/async/timer.hpp"
#include "crawler/engine/crawl_engine.hpp"

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

/// Ends the process `limit` from now, whatever is still running then (a
/// parse, a commit, a thread being joined). What is committed stays
/// committed (SQLite's WAL, PostgreSQL's transactions); the rest is left
/// queued for the next run.
void exit_within(std::chrono::milliseconds limit);

}  // namespace crawler
