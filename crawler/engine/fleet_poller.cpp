// FleetPoller: see fleet_poller.hpp.
#include "crawler/engine/fleet_poller.hpp"

#include <utility>

#include "crawler/async/offload.hpp"
#include "crawler/base/log.hpp"

namespace crawler {

FleetPoller::FleetPoller(VisitContext& context, storage::CrawlStore& store, Orders orders)
    : context_(context),
      store_(store),
      orders_(std::move(orders)),
      timer_(context.loop.get(), [this] {
        due_ = true;
        wake_.notify();
      }) {}

void FleetPoller::start() {
  if (store_.leases_hosts()) polls_.spawn(poll());
}

void FleetPoller::stop() {
  running_ = false;
  wake_.notify();
}

async::Task<void> FleetPoller::poll() {
  while (running_ && !context_.stopping) {
    auto job = [this] {
      store_.refresh_queued_url_count();
      return store_.origin_controls();
    };
    try {
      std::vector<storage::OriginControl> orders =
          co_await async::offload(context_.loop.get(), job);
      if (running_) orders_(orders);
    } catch (const storage::StorageError& e) {
      // The orders held stay in force; the next read may get through.
      log::debug(std::string("reading the fleet's origin orders: ") + e.what());
    }
    due_ = false;
    timer_.start(kEvery);
    while (!due_ && running_ && !context_.stopping) co_await wake_.wait();
    timer_.stop();
  }
}

}  // namespace crawler
