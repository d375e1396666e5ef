// OriginLookups: the names of origins new to the frontier, looked up before
// their URLs are scheduled (the frontier needs each origin's address for
// its per-address limits). A few at a time on the thread pool, which the
// parses share; each origin's address, or "" when the lookup itself failed
// (the visit's resolve step tries again), then goes to the frontier.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>

#include "crawler/async/task.hpp"
#include "crawler/async/task_scope.hpp"
#include "crawler/engine/steps/resolve_step.hpp"
#include "crawler/engine/steps/visit_context.hpp"

namespace crawler {

class OriginLookups {
 public:
  /// `found` takes each origin's address ("" when the lookup failed) to the
  /// frontier, or to whoever grants it first (a fleet's lease rounds).
  using Found = std::function<void(std::string origin, std::string address)>;
  OriginLookups(VisitContext& context, ResolveStep& resolve, Found found)
      : context_(context), resolve_(resolve), found_(std::move(found)) {}
  OriginLookups(const OriginLookups&) = delete;
  OriginLookups& operator=(const OriginLookups&) = delete;

  /// Takes the origins the frontier could not schedule for want of an
  /// address, and starts lookups while there is room (none once stopping).
  void start();
  async::Task<void> join() { return lookups_.join(); }

 private:
  // No more than may hold a thread: a lookup's deadline counts its wait for
  // one, so a lookup started beyond them would spend its deadline waiting.
  static constexpr std::size_t kMaxRunning = ResolveStep::kMaxLookupThreads;

  async::Task<void> look_up(std::string origin);

  VisitContext& context_;
  ResolveStep& resolve_;
  Found found_;
  std::deque<std::string> waiting_;
  std::size_t running_ = 0;
  async::TaskScope lookups_;
};

}  // namespace crawler
