// OriginConnections: see origin_connections.hpp.
#include "crawler/async/origin_connections.hpp"

#include <unistd.h>

namespace crawler::async {

OriginConnections::Transfer::Transfer(OriginConnections& owner, std::string_view origin) {
  auto [entry, added] = owner.tallies_.try_emplace(std::string(origin), Tally{&owner, nullptr});
  tally_ = &entry->second;
  if (added) tally_->origin = &entry->first;
  none_idle_ = tally_->connections <= tally_->in_flight;
  count(tally_, 0, +1);
}

OriginConnections::Transfer::~Transfer() {
  count(tally_, 0, -1);
  forget_if_unused(tally_);
}

int OriginConnections::on_close(void* tally, curl_socket_t fd) noexcept {
  auto* counted = static_cast<Tally*>(tally);
  count(counted, -1, 0);
  forget_if_unused(counted);
  return ::close(fd);
}

// An origin's idle connections are those beyond its transfers in flight
// (over HTTP/2 several transfers share one connection: none is idle then).
void OriginConnections::count(Tally* tally, int connections, int in_flight) {
  auto idle = [tally] {
    return tally->connections > tally->in_flight ? tally->connections - tally->in_flight : 0;
  };
  tally->owner->idle_ -= idle();
  tally->connections += connections;
  tally->in_flight += in_flight;
  tally->owner->idle_ += idle();
}

std::size_t OriginConnections::connections(std::string_view origin) const {
  auto entry = tallies_.find(std::string(origin));
  return entry == tallies_.end() ? 0 : entry->second.connections;
}

void OriginConnections::forget_if_unused(Tally* tally) {
  if (tally->connections != 0 || tally->in_flight != 0) return;
  auto& tallies = tally->owner->tallies_;
  tallies.erase(tallies.find(*tally->origin));  // by iterator: the key dies with the entry
}

}  // namespace crawler::async
