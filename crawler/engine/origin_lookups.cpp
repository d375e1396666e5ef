// OriginLookups: see origin_lookups.hpp.
#include "crawler/engine/origin_lookups.hpp"

#include <exception>
#include <utility>

#include "crawler/base/log.hpp"

namespace crawler {

void OriginLookups::start() {
  for (std::string& origin : context_.frontier.take_unresolved())
    waiting_.push_back(std::move(origin));
  while (running_ < kMaxRunning && !waiting_.empty() && !context_.stopping) {
    ++running_;
    lookups_.spawn(look_up(std::move(waiting_.front())));
    waiting_.pop_front();
  }
}

async::Task<void> OriginLookups::look_up(std::string origin) {
  std::string address;
  try {
    address = (co_await resolve_.look_up(origin)).address;
  } catch (const std::exception& e) {
    // Scheduled without an address: the visit's resolve step tries again.
    log::warning("looking up " + origin + ": " + e.what());
  }
  --running_;
  found_(std::move(origin), std::move(address));
}

}  // namespace crawler
