// HostLeases: see host_leases.hpp.
#include "crawler/frontier/host_leases.hpp"

namespace crawler {

bool HostLeases::holds(std::string_view origin, Clock::time_point now) const {
  auto it = until_.find(origin);
  return it != until_.end() && now < it->second - lease_ / 3 && !handing_over_.contains(origin);
}

std::vector<std::string> HostLeases::origins() const {
  std::vector<std::string> origins;
  origins.reserve(until_.size());
  for (const auto& [origin, until] : until_) origins.push_back(origin);
  return origins;
}

bool HostLeases::claimed_within(std::string_view origin, Clock::time_point now,
                                Millis grace) const {
  auto it = claimed_at_.find(origin);
  return it != claimed_at_.end() && now - it->second < grace;
}

void HostLeases::granted(const std::string& origin, Clock::time_point asked_at) {
  until_[origin] = asked_at + lease_;
}

}  // namespace crawler
