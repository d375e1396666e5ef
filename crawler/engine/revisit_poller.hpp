// RevisitPoller: the service mode's source of revisits. Every second it
// queues the stored pages whose revisit is due (the policy that judges a
// revisit is RevisitPolicy), and it remembers which are queued or in flight
// so that none is queued twice.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "crawler/async/task.hpp"
#include "crawler/async/task_scope.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "storage/crawl_store.hpp"

namespace crawler {

class RevisitPoller {
 public:
  struct Hooks {
    std::function<bool(std::string_view origin)> fetchable;  // this crawler may fetch it now
    std::function<void()> queued;                            // the scheduler has work
  };
  RevisitPoller(VisitContext& context, storage::CrawlStore& store, Hooks hooks);
  RevisitPoller(const RevisitPoller&) = delete;
  RevisitPoller& operator=(const RevisitPoller&) = delete;

  void start() { polls_.spawn(poll()); }
  async::Task<void> join() { return polls_.join(); }
  /// The page's new visit time is committed (or it left this crawler):
  /// it may be polled again.
  void finished(const std::string& url) { revisiting_.erase(url); }
  /// Revisits queued or in flight.
  std::size_t outstanding() const { return revisiting_.size(); }

 private:
  // Revisits read per poll, and outstanding (queued or in flight) at most.
  static constexpr int kPerPoll = 1000;
  static constexpr std::size_t kMaxQueued = 20'000;

  async::Task<void> poll();

  VisitContext& context_;
  storage::CrawlStore& store_;
  Hooks hooks_;
  async::TaskScope polls_;
  std::unordered_set<std::string> revisiting_;  // stored pages queued or in flight again
};

}  // namespace crawler
