// `crawler crawl` and `crawler serve` (one engine, one database format):
// loads the seeds, opens the database (one writer at a
// time), resumes what an earlier run left queued, crawls, and prints a
// summary. SIGINT and SIGTERM stop the crawl gracefully: fetches in flight
// get a grace period, what was fetched is written, the rest stays queued.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "config/seeds_file.hpp"
#include "crawler/async/http_endpoint.hpp"
#include "crawler/async/loop.hpp"
#include "crawler/async/run.hpp"
#include "crawler/async/uv_handle.hpp"
#include "crawler/commands.hpp"
#include "crawler/crawl_engine.hpp"
#include "crawler/metrics.hpp"
#include "crawler/progress.hpp"
#include "crawler/unix_time.hpp"
#include "storage/writer_lock.hpp"

namespace crawler {

namespace {

async::HttpReply answer(CrawlEngine& engine, std::string_view method, std::string_view path) {
  if (method != "GET" && method != "HEAD") return {405, "text/plain; charset=utf-8", "GET only\n"};
  if (path == "/healthz") {
    if (engine.failed()) return {503, "text/plain; charset=utf-8", "database writes failing\n"};
    return {200, "text/plain; charset=utf-8", "ok\n"};
  }
  if (path == "/metrics")
    return {200, "text/plain; version=0.0.4; charset=utf-8",
            prometheus_text(engine.counters(), engine.gauges())};
  if (path == "/status")
    return {200, "application/json", status_json(engine.counters(), engine.gauges())};
  return {404, "text/plain; charset=utf-8", "not found: /healthz /metrics /status\n"};
}

async::UvHandle<uv_signal_t> watch_signal(async::Loop& loop, int signum, CrawlEngine& engine) {
  auto handle = async::UvHandle<uv_signal_t>::open(
      [&](uv_signal_t* s) { return uv_signal_init(loop.get(), s); });
  handle.get()->data = &engine;
  uv_signal_start(
      handle.get(), [](uv_signal_t* s, int) { static_cast<CrawlEngine*>(s->data)->stop(); },
      signum);
  return handle;
}

// SIGHUP: read the seed list again and crawl the seeds that are new. A list
// that no longer loads leaves the running seeds as they are.
class SeedReloader {
 public:
  SeedReloader(async::Loop& loop, std::string path, CrawlEngine& engine)
      : path_(std::move(path)),
        engine_(engine),
        signal_(async::UvHandle<uv_signal_t>::open(
            [&](uv_signal_t* s) { return uv_signal_init(loop.get(), s); })) {
    signal_.get()->data = this;
    uv_signal_start(signal_.get(), &SeedReloader::on_signal, SIGHUP);
  }
  SeedReloader(const SeedReloader&) = delete;
  SeedReloader& operator=(const SeedReloader&) = delete;

 private:
  static void on_signal(uv_signal_t* handle, int) noexcept {
    auto* self = static_cast<SeedReloader*>(handle->data);
    try {
      config::SeedList seeds = config::load_seed_list(self->path_);
      for (const auto& warning : seeds.warnings)
        std::cerr << "crawler: warning: " << warning << "\n";
      if (!seeds.error.empty()) {
        std::cerr << "crawler: SIGHUP: " << seeds.error << "; keeping the current seeds\n";
        return;
      }
      auto added = self->engine_.add_seeds(seeds.urls);
      std::cerr << "crawler: SIGHUP: " << added.size() << " new seed(s)\n";
    } catch (const std::exception& e) {
      std::cerr << "crawler: SIGHUP: " << e.what() << "\n";
    }
  }

  std::string path_;
  CrawlEngine& engine_;
  async::UvHandle<uv_signal_t> signal_;
};

std::pair<std::string, int> split_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen needs HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::invalid_argument("--listen port out of range");
  return {host, port};
}

}  // namespace

int run_crawl_command(const config::CrawlOptions& options) {
  return run_engine(options, nullptr);
}

int run_serve_command(const config::CrawlOptions& options, const ServeOptions& serve) {
  return run_engine(options, &serve);
}

int run_engine(const config::CrawlOptions& options, const ServeOptions* serve) {
  config::SeedList seeds = config::load_seed_list(options.seeds_path);
  for (const auto& warning : seeds.warnings) std::cerr << "crawler: warning: " << warning << "\n";
  if (!seeds.error.empty()) {
    std::cerr << "crawler: " << seeds.error << "\n";
    return kExitUsage;
  }

  // The lock comes first: a second crawler must not even migrate the schema.
  std::optional<storage::WriterLock> lock;
  std::optional<storage::PageStore> store;
  std::int64_t resumed = 0;
  std::vector<std::string> known;
  std::vector<storage::RobotsFile> robots;
  try {
    lock.emplace(options.db_path);
    store.emplace(options.db_path, options.search_index);
    // Seeds are queued durably before anything is fetched; whatever an
    // earlier run queued and did not finish is fetched now.
    store->queue(seeds.urls, 0);
    resumed = store->load_seen([&](std::string_view url) { known.emplace_back(url); });
    robots = store->load_robots(unix_ms_now() - 24LL * 3600 * 1000);
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
    if (resumed > 0) engine->resume_stored_urls();
    engine->preload_robots(robots);
    known = {};
  } catch (const std::invalid_argument& e) {
    std::cerr << "crawler: " << e.what() << "\n";
    return kExitUsage;
  }
  {
    auto sigint = watch_signal(loop, SIGINT, *engine);
    auto sigterm = watch_signal(loop, SIGTERM, *engine);
    std::optional<SeedReloader> sighup;
    ProgressReporter progress(loop.get(), *engine);
    std::optional<async::HttpEndpoint> endpoint;
    if (serve) {
      engine->keep_running(true);
      sighup.emplace(loop, options.seeds_path, *engine);
      try {
        auto [host, port] = split_listen(serve->listen);
        endpoint.emplace(loop.get(), host, port,
                         [&engine](std::string_view method, std::string_view path) {
                           return answer(*engine, method, path);
                         });
        std::cerr << "crawler: serving http://" << serve->listen.substr(0, serve->listen.rfind(':'))
                  << ":" << endpoint->port() << " (/healthz /metrics /status)\n";
      } catch (const std::exception& e) {
        std::cerr << "crawler: " << e.what() << "\n";
        return kExitUsage;
      }
    }
    summary = async::run_until_done(loop, engine->run(std::move(seeds.urls)));
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
    std::cerr << "crawler: crawl stopped, a database write failed (disk full?): "
              << summary.fatal_error << "; what was written before is kept\n";
    return kExitFailed;
  }
  if (summary.write_failures > 0)
    std::cerr << "crawler: " << summary.write_failures << " page(s) could not be stored\n";
  if (summary.stopped) std::cerr << "crawler: stopped; queued URLs are kept for the next run\n";
  return kExitOk;
}

}  // namespace crawler
