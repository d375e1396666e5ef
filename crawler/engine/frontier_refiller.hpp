// FrontierRefiller: the frontier's two background loops. The refill reads
// queued URLs back from the database when the frontier's window runs low
// (Frontier::plan_refill; one refill at a time, woken by the scheduler),
// and gives the crawl up when it keeps failing. The seen-set loader reads
// the URLs earlier runs saw, a chunk at a time on the pool, while the crawl
// goes on: a restarted crawl fetches at once.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "crawler/async/task.hpp"
#include "crawler/async/task_scope.hpp"
#include "crawler/async/wake_signal.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "storage/crawl_store.hpp"

namespace crawler {

class FrontierRefiller {
 public:
  FrontierRefiller(VisitContext& context, storage::CrawlStore& store,
                   std::function<void()> wake_scheduler);
  FrontierRefiller(const FrontierRefiller&) = delete;
  FrontierRefiller& operator=(const FrontierRefiller&) = delete;

  void start();
  /// Meanwhile a URL not yet loaded is "perhaps seen": the database decides.
  void load_seen(std::size_t chunk);
  /// The frontier wants a refill (Frontier::refill_wanted).
  void wanted() { wake_.notify(); }
  /// No more work is taken: both loops end.
  void stop();
  async::Task<void> join();
  /// Non-empty: refills failed kMaxFailures times in a row; the crawl cannot go on.
  const std::string& error() const { return error_; }

 private:
  // A refill that fails this many times in a row (a second apart) stops the
  // crawl: the queued URLs it cannot read would never be fetched.
  static constexpr int kMaxFailures = 10;

  async::Task<void> refill();
  async::Task<void> load_seen_chunks(std::size_t chunk);

  VisitContext& context_;
  storage::CrawlStore& store_;
  std::function<void()> wake_scheduler_;
  bool running_ = true;
  async::WakeSignal wake_;
  async::TaskScope refills_;
  async::TaskScope seen_loader_;
  int failures_ = 0;  // in a row
  std::string error_;
};

}  // namespace crawler
