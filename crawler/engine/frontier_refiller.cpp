// FrontierRefiller: see frontier_refiller.hpp.
#include "crawler/engine/frontier_refiller.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crawler/async/offload.hpp"
#include "crawler/async/sleep.hpp"
#include "crawler/base/log.hpp"
#include "crawler/frontier/frontier_refill.hpp"

namespace crawler {

FrontierRefiller::FrontierRefiller(VisitContext& context, storage::CrawlStore& store,
                                   std::function<void()> wake_scheduler)
    : context_(context), store_(store), wake_scheduler_(std::move(wake_scheduler)) {}

void FrontierRefiller::start() {
  refills_.spawn(refill());
}

void FrontierRefiller::load_seen(std::size_t chunk) {
  context_.frontier.expect_seen_loading();
  seen_loader_.spawn(load_seen_chunks(chunk));
}

void FrontierRefiller::stop() {
  running_ = false;
  wake_.notify();
}

async::Task<void> FrontierRefiller::join() {
  co_await refills_.join();
  co_await seen_loader_.join();
}

// Reads queued URLs back from the database when the frontier's window runs
// low (see Frontier::plan_refill). One refill at a time; the scheduler
// wakes it.
async::Task<void> FrontierRefiller::refill() {
  for (;;) {
    co_await wake_.wait();
    if (!running_ || context_.stopping) co_return;
    if (!context_.frontier.refill_wanted()) continue;
    std::optional<RefillPlan> plan;
    std::optional<std::string> error;
    try {
      plan = context_.frontier.plan_refill();
      // The database must hold every URL spilled so far before it is read.
      co_await context_.writer.committed();
      auto read = [this, &plan] { return read_refill(store_, *plan); };
      RefillRows rows = co_await async::offload(context_.loop.get(), read);
      context_.frontier.refilled(*plan, std::move(rows));
      ++context_.summary.refills;
      failures_ = 0;
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "unknown error";
    }
    if (error) {
      // The plan's starving hosts were taken off their list: ask for them again.
      if (plan) context_.frontier.refill_failed(*plan);
      if (++failures_ >= kMaxFailures) {
        error_ = "reading queued URLs back from the database failed " + std::to_string(failures_) +
                 " times: " + *error;
        wake_scheduler_();  // the scheduler stops the crawl
        co_return;
      }
      log::error("reading queued URLs: " + *error + "; trying again in 1 s");
      co_await async::sleep_for(context_.loop.get(), Millis(1000));
      wake_.notify();
    }
    wake_scheduler_();
  }
}

async::Task<void> FrontierRefiller::load_seen_chunks(std::size_t chunk) {
  auto started = Clock::now();
  std::size_t loaded = 0;
  try {
    // Sized once, so the set never holds a table beside its doubled copy.
    auto count = [this] { return store_.seen_url_count(); };
    context_.frontier.reserve_seen(
        static_cast<std::size_t>(co_await async::offload(context_.loop.get(), count)));
    storage::SeenCursor cursor;
    while (running_) {
      auto read = [this, &cursor, chunk] { return store_.seen_urls(cursor, chunk); };
      std::vector<std::string> urls = co_await async::offload(context_.loop.get(), read);
      for (const std::string& url : urls) context_.frontier.mark_seen(url);
      loaded += urls.size();
      if (urls.size() < chunk) {
        context_.frontier.seen_loaded();
        auto took = std::chrono::duration_cast<Millis>(Clock::now() - started);
        log::info("loaded the " + std::to_string(loaded) + " URL(s) earlier runs saw, in " +
                  std::to_string(took.count()) + " ms");
        break;
      }
    }
  } catch (const storage::StorageError& e) {
    // Left incomplete, the set only sends more URLs to the database to decide.
    log::warning(std::string("cannot load the URLs seen by earlier runs: ") + e.what() +
                 "; the database decides instead");
  }
  wake_scheduler_();
}

}  // namespace crawler
