// FleetPoller: what other crawlers sharing the store change, read every few
// seconds on the thread pool: the operator's orders for origins (pause,
// delay, block, given in another crawler's console), handed to the engine
// to apply the new ones, and the count of URLs queued in the database,
// which the store keeps. It runs only where crawlers share the store (a
// fleet on PostgreSQL); a store with one writer has nothing to read.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "crawler/async/task.hpp"
#include "crawler/async/task_scope.hpp"
#include "crawler/async/timer.hpp"
#include "crawler/async/wake_signal.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "storage/crawl_store.hpp"

namespace crawler {

class FleetPoller {
 public:
  /// Between two reads.
  static constexpr std::chrono::milliseconds kEvery{2000};

  /// `orders`: every order as the store keeps it, on the loop thread.
  using Orders = std::function<void(const std::vector<storage::OriginControl>& orders)>;
  FleetPoller(VisitContext& context, storage::CrawlStore& store, Orders orders);
  FleetPoller(const FleetPoller&) = delete;
  FleetPoller& operator=(const FleetPoller&) = delete;

  /// Starts the reads, where crawlers share the store.
  void start();
  /// No more reads; the one under way finishes.
  void stop();
  async::Task<void> join() { return polls_.join(); }

 private:
  async::Task<void> poll();

  VisitContext& context_;
  storage::CrawlStore& store_;
  Orders orders_;
  async::TaskScope polls_;
  async::WakeSignal wake_;
  async::Timer timer_;
  bool due_ = false;  // the timer fired: a read is due
  bool running_ = true;
};

}  // namespace crawler
