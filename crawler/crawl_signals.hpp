// The signals a running crawl answers: SIGINT and SIGTERM stop it (a second
// one cancels fetches at once: CrawlEngine::stop), SIGHUP reads the seed
// list again and adds the seeds that are new. Watchers live on the loop
// and stop watching when destroyed.
#pragma once

#include <uv.h>

#include <string>

#include "crawler/async/loop.hpp"
#include "crawler/async/uv_handle.hpp"
#include "crawler/crawl_engine.hpp"

namespace crawler {

/// Calls engine.stop() on each `signum`.
async::UvHandle<uv_signal_t> watch_stop_signal(async::Loop& loop, int signum, CrawlEngine& engine);

/// SIGHUP: a list that no longer loads is logged and the running seeds stay.
class SeedReloader {
 public:
  SeedReloader(async::Loop& loop, std::string path, CrawlEngine& engine);
  SeedReloader(const SeedReloader&) = delete;
  SeedReloader& operator=(const SeedReloader&) = delete;

 private:
  static void on_signal(uv_signal_t* handle, int) noexcept;

  std::string path_;
  CrawlEngine& engine_;
  async::UvHandle<uv_signal_t> signal_;
};

}  // namespace crawler
