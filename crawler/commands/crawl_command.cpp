// `crawler crawl` and `crawler serve` (one engine, one database format):
// loads the seeds, opens the database (one writer at a
// time), resumes what an earlier run left queued, crawls, and prints a
// summary. SIGINT and SIGTERM stop the crawl gracefully: fetches in flight
// get a grace period, what was fetched is written, the rest stays queued.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "config/seeds_file.hpp"
#include "crawler/async/http_endpoint.hpp"
#include "crawler/async/loop.hpp"
#include "crawler/async/run.hpp"
#include "crawler/base/log.hpp"
#include "crawler/base/unix_time.hpp"
#include "crawler/commands/commands.hpp"
#include "crawler/engine/crawl_engine.hpp"
#include "crawler/service/console_history.hpp"
#include "crawler/service/counter_table.hpp"
#include "crawler/service/crawl_signals.hpp"
#include "crawler/service/progress.hpp"
#include "crawler/service/service_endpoint.hpp"
#include "storage/crawl_reader.hpp"
#include "storage/crawl_store.hpp"

namespace crawler {

namespace {

// Why the file a file option names cannot be read, or empty. Checked at
// start so that a mistyped --ca-file is one usage error naming the file,
// not an HTTPS failure recorded against every page.
std::string unreadable_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::strerror(errno);
  char byte = 0;
  ssize_t got = ::read(fd, &byte, 1);  // a directory opens, but does not read (EISDIR)
  int read_errno = errno;
  ::close(fd);
  if (got < 0) return std::strerror(read_errno);
  if (got == 0) return "the file is empty";
  return {};
}

}  // namespace

int run_crawl_command(const config::CrawlOptions& options) {
  return run_engine(options, false);
}

int run_serve_command(const config::CrawlOptions& options,
                      std::vector<config::OptionSource> sources) {
  return run_engine(options, true, std::move(sources));
}

int run_engine(const config::CrawlOptions& options, bool serve,
               std::vector<config::OptionSource> sources) {
  log::configure({log::parse_level(options.log_level).value_or(log::Level::kInfo),
                  options.log_format == "json", stderr});
  config::SeedList seeds = config::load_seed_list(options.seeds_path);
  for (const auto& warning : seeds.warnings) log::warning(warning);
  if (!seeds.error.empty()) {
    log::error(seeds.error);
    return kExitUsage;
  }
  if (!options.ca_file.empty()) {
    if (std::string why = unreadable_file(options.ca_file); !why.empty()) {
      log::error("cannot read the CA file " + options.ca_file +
                 " (transfers.ca_file, --ca-file): " + why);
      return kExitUsage;
    }
  }

  std::unique_ptr<storage::CrawlStore> store;
  try {
    store = storage::open_crawl_store(
        options.db_path, {.index_text = options.search_index, .exclusive_writer = true});
  } catch (const storage::StorageError& e) {
    log::error(e.what());
    return kExitUsage;
  }

  async::Loop loop;
  CrawlSummary summary;
  std::optional<CrawlEngine> engine;
  try {
    engine.emplace(loop, options, *store);
    // Every URL an earlier run queued or fetched goes into the seen test
    // (bounded: --seen-memory), loaded while the crawl already goes on; the
    // queued ones come back through refills.
    storage::LeftByEarlierRuns left = store->left_by_earlier_runs();
    if (left.seen) engine->load_seen();
    if (left.queued) {
      engine->resume_stored_urls();
      log::info("resuming: the URLs earlier runs queued are read back from the database");
    }
    // The console operator's orders for origins (paused, blocked, a delay) hold across runs.
    engine->restore_origin_controls(store->origin_controls());
    // Seeds are queued durably before anything is fetched.
    store->queue(seeds.urls, 0);
  } catch (const std::invalid_argument& e) {
    log::error(e.what());
    return kExitUsage;
  } catch (const storage::StorageError& e) {
    log::error(e.what());
    return kExitUsage;
  }
  {
    // The second SIGINT or SIGTERM ends the process within a second: the
    // engine cancels fetches and parses at once, and if anything still
    // holds on, exit_within ends it.
    int stops = 0;
    auto stop = [&engine, &stops] {
      if (++stops == 2) exit_within(std::chrono::milliseconds(900));
      engine->stop();
    };
    async::SignalWatch sigint(loop.get(), SIGINT, stop);
    async::SignalWatch sigterm(loop.get(), SIGTERM, stop);
    std::optional<SeedReloader> sighup;
    ProgressReporter progress(loop.get(), *engine, options.max_pages);
    std::optional<ConsoleHistory> history;
    std::optional<async::HttpEndpoint> endpoint;
    if (serve) {
      engine->keep_running(true);
      sighup.emplace(loop.get(), options.seeds_path, *engine);
      history.emplace(loop.get(), *engine);
      try {
        auto [host, port] = split_listen(options.listen);
        ServiceSettings settings{loop.get(),
                                 storage::open_crawl_reader(options.db_path),
                                 options.console_token,
                                 options.console_token_reads,
                                 is_loopback_host(host),
                                 std::move(sources)};
        if (!settings.loopback && settings.token.empty()) {
          log::error("--listen " + options.listen +
                     " is not a loopback address: set serve.console_token (--console-token or "
                     "CRAWLER_SERVE_CONSOLE_TOKEN) so that only you can steer the crawl");
          return kExitUsage;
        }
        endpoint.emplace(loop.get(), host, port, service_handler(*engine, *history, settings));
        log::info("serving http://" + options.listen.substr(0, options.listen.rfind(':')) + ":" +
                  std::to_string(endpoint->port()) + " (console at /, /healthz /metrics /status)");
      } catch (const std::exception& e) {
        log::error(e.what());
        return kExitUsage;
      }
    }
    summary = async::run_until_done(loop, engine->run(std::move(seeds.urls)));
  }
  engine.reset();
  loop.close();

  std::fputs(summary_text(summary).c_str(), stdout);
  std::size_t failed = 0;
  std::string kinds;
  for (const auto& [kind, count] : summary.failed) {
    failed += count;
    kinds += " " + kind + "=" + std::to_string(count);
  }
  std::fflush(stdout);
  // A crawl that fetched nothing at all says so, rather than a page count.
  if (summary.stored_ok == 0 && failed > 0)
    log::warning("nothing could be fetched: all " + std::to_string(failed) + " page(s) failed (" +
                 kinds.substr(1) +
                 "); is the network (or the site) reachable from here? --log-level debug "
                 "shows each failure");
  if (!summary.fatal_error.empty()) {
    log::error("crawl stopped, the database failed (disk full? out of reach?): " +
               summary.fatal_error + "; what was written before is kept");
    return kExitFailed;
  }
  if (summary.write_failures > 0)
    log::warning(std::to_string(summary.write_failures) +
                 " page(s) could not be stored; the first because: " + summary.write_error);
  if (summary.fenced > 0)
    log::info(std::to_string(summary.fenced) +
              " page(s) fenced off: another crawler took their hosts over and fetches them");
  if (summary.stopped) log::info("stopped; queued URLs are kept for the next run");
  return kExitOk;
}

}  // namespace crawler
