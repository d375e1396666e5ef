// `crawler crawl`: loads the seeds, opens the database (one writer at a
// time), resumes what an earlier run left queued, crawls, and prints a
// summary. SIGINT and SIGTERM stop the crawl gracefully: fetches in flight
// get a grace period, what was fetched is written, the rest stays queued.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "config/seeds_file.hpp"
#include "crawler/async/loop.hpp"
#include "crawler/async/run.hpp"
#include "crawler/async/uv_handle.hpp"
#include "crawler/commands.hpp"
#include "crawler/crawl_engine.hpp"
#include "storage/writer_lock.hpp"

namespace crawler {

namespace {

async::UvHandle<uv_signal_t> watch_signal(async::Loop& loop, int signum, CrawlEngine& engine) {
  auto handle = async::UvHandle<uv_signal_t>::open(
      [&](uv_signal_t* s) { return uv_signal_init(loop.get(), s); });
  handle.get()->data = &engine;
  uv_signal_start(
      handle.get(), [](uv_signal_t* s, int) { static_cast<CrawlEngine*>(s->data)->stop(); },
      signum);
  return handle;
}

}  // namespace

int run_crawl_command(const config::CrawlOptions& options) {
  config::SeedList seeds = config::load_seed_list(options.seeds_path);
  for (const auto& warning : seeds.warnings) std::cerr << "crawler: warning: " << warning << "\n";
  if (!seeds.error.empty()) {
    std::cerr << "crawler: " << seeds.error << "\n";
    return kExitUsage;
  }

  // The lock comes first: a second crawler must not even migrate the schema.
  std::optional<storage::WriterLock> lock;
  std::optional<storage::PageStore> store;
  std::vector<storage::QueuedUrl> resumed;
  std::vector<std::string> known;
  try {
    lock.emplace(options.db_path);
    store.emplace(options.db_path);
    // Seeds are queued durably before anything is fetched; whatever an
    // earlier run queued and did not finish is fetched now.
    store->queue(seeds.urls, 0);
    resumed = store->load_frontier([&](std::string_view url) { known.emplace_back(url); });
  } catch (const storage::StorageError& e) {
    std::cerr << "crawler: " << e.what() << "\n";
    return kExitUsage;
  }

  async::Loop loop;
  CrawlSummary summary;
  std::optional<CrawlEngine> engine;
  try {
    engine.emplace(loop, options, *store);
    for (const auto& url : known) engine->remember(url);
    known = {};
  } catch (const std::invalid_argument& e) {
    std::cerr << "crawler: " << e.what() << "\n";
    return kExitUsage;
  }
  {
    auto sigint = watch_signal(loop, SIGINT, *engine);
    auto sigterm = watch_signal(loop, SIGTERM, *engine);
    summary = async::run_until_done(loop, engine->run(std::move(seeds.urls), std::move(resumed)));
  }
  engine.reset();
  loop.close();

  std::printf(
      "pages=%zu fetch_errors=%zu http_errors=%zu retries=%zu robots_denied=%zu "
      "sitemap_urls=%zu seconds=%.3f pages_per_second=%.1f\n",
      summary.pages, summary.fetch_errors, summary.http_errors, summary.retries,
      summary.robots_denied, summary.sitemap_urls, summary.seconds, summary.pages_per_second());
  std::printf("writes: batches=%zu seconds=%.3f\n", summary.write_batches, summary.write_seconds);
  if (!summary.skipped.empty()) {
    std::string line = "skipped:";
    for (const auto& [reason, count] : summary.skipped)
      line += " " + reason + "=" + std::to_string(count);
    std::printf("%s\n", line.c_str());
  }
  std::fflush(stdout);
  if (!summary.fatal_error.empty()) {
    std::cerr << "crawler: crawl stopped: " << summary.fatal_error << "\n";
    return kExitFailed;
  }
  if (summary.write_failures > 0)
    std::cerr << "crawler: " << summary.write_failures << " page(s) could not be stored\n";
  if (summary.stopped) std::cerr << "crawler: stopped; queued URLs are kept for the next run\n";
  return kExitOk;
}

}  // namespace crawler
