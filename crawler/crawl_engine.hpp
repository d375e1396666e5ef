// CrawlEngine: the crawl itself. A scheduler coroutine takes URLs from the
// Frontier and spawns one crawl_page coroutine per URL; each fetches, parses
// HTML on the thread pool, feeds new links back to the Frontier and hands
// its record to the PageWriter. stop() ends the crawl early: in-flight
// fetches are cancelled (and not stored), everything fetched is written.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/crawl_options.hpp"
#include "crawler/async/curl_multi_set.hpp"
#include "crawler/async/loop.hpp"
#include "crawler/async/task.hpp"
#include "crawler/async/task_scope.hpp"
#include "crawler/async/wake_signal.hpp"
#include "crawler/frontier.hpp"
#include "crawler/page_writer.hpp"
#include "storage/page_store.hpp"

namespace crawler {

struct CrawlSummary {
  std::size_t pages = 0;           // records written
  std::size_t fetch_errors = 0;    // no HTTP response (refused, timeout, reset, ...)
  std::size_t http_errors = 0;     // 4xx and 5xx responses
  std::size_t write_failures = 0;  // records the store refused
  double seconds = 0;
  bool stopped = false;     // ended by stop(), not by running out of work
  std::string fatal_error;  // non-empty: the crawl could not go on

  double pages_per_second() const { return seconds > 0 ? pages / seconds : 0; }
};

class CrawlEngine {
 public:
  CrawlEngine(async::Loop& loop, const config::CrawlOptions& options, storage::PageStore& store);
  CrawlEngine(const CrawlEngine&) = delete;
  CrawlEngine& operator=(const CrawlEngine&) = delete;
  ~CrawlEngine();

  /// Crawls from `seeds` (normalized URLs) until the frontier is exhausted,
  /// a limit is reached or stop() is called.
  async::Task<CrawlSummary> run(std::vector<std::string> seeds);

  /// Asks the crawl to end soon; safe to call from any loop callback.
  void stop();

 private:
  async::Task<void> crawl_page(FrontierUrl url);

  async::Loop& loop_;
  config::CrawlOptions options_;
  async::CurlMultiSet multis_;
  Frontier frontier_;
  async::WakeSignal wake_;
  PageWriter writer_;
  async::TaskScope pages_;
  CrawlSummary summary_;
  bool stopping_ = false;
};

}  // namespace crawler
