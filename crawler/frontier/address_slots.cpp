// AddressSlots: see address_slots.hpp.
#include "crawler/frontier/address_slots.hpp"

#include <algorithm>

namespace crawler {

AddressSlots::Slot& AddressSlots::slot(std::string_view address) {
  auto it = slots_.find(address);
  if (it == slots_.end()) it = slots_.emplace(std::string(address), Slot{}).first;
  return it->second;
}

std::optional<AddressSlots::TimePoint> AddressSlots::due(const Slot& slot, TimePoint now) const {
  if (limits_.max_in_flight > 0 && slot.in_flight >= limits_.max_in_flight) return std::nullopt;
  return std::max(now, slot.next_start);
}

// How many parked origins one wake-up tries: as many as may be in flight,
// but one at a time when starts are spaced (the next start is due only
// after the spacing anyway).
std::size_t AddressSlots::room(const Slot& slot) const {
  if (limits_.spacing.count() > 0) return 1;
  if (limits_.max_in_flight == 0) return slot.parked.size();
  return limits_.max_in_flight - std::min(limits_.max_in_flight, slot.in_flight);
}

std::optional<AddressSlots::TimePoint> AddressSlots::may_start(std::string_view address,
                                                               TimePoint now) const {
  auto it = slots_.find(address);
  if (it == slots_.end()) return now;
  return due(it->second, now);
}

void AddressSlots::started(std::string_view address, TimePoint now) {
  Slot& s = slot(address);
  ++s.in_flight;
  s.next_start = now + limits_.spacing;
}

void AddressSlots::ended(std::string_view address) {
  auto it = slots_.find(address);
  if (it != slots_.end() && it->second.in_flight > 0) --it->second.in_flight;
}

void AddressSlots::moved(std::string_view from, std::string_view to, std::size_t count) {
  if (count == 0 || from == to) return;
  if (!from.empty()) {
    Slot& old = slot(from);
    old.in_flight -= std::min(old.in_flight, count);
  }
  if (!to.empty()) slot(to).in_flight += count;
}

bool AddressSlots::park(std::string_view address, std::string origin, TimePoint now,
                        std::optional<TimePoint>* wake) {
  Slot& s = slot(address);
  s.parked.push_back(std::move(origin));
  if (s.wake_pending) return false;
  auto at = due(s, now);
  if (!at) return false;  // a fetch ending wakes it (wake_wanted)
  s.wake_pending = true;
  *wake = at;
  return true;
}

std::vector<std::string> AddressSlots::unpark(
    std::string_view address, TimePoint now,
    const std::function<bool(std::string_view)>& still_waiting, std::optional<TimePoint>* wake) {
  std::vector<std::string> ready;
  auto it = slots_.find(address);
  if (it == slots_.end()) return ready;
  Slot& s = it->second;
  s.wake_pending = false;
  auto at = due(s, now);
  if (!at) return ready;  // full: a fetch ending wakes it
  if (*at > now) {
    s.wake_pending = true;
    *wake = at;
    return ready;
  }
  for (std::size_t n = room(s); n > 0 && !s.parked.empty();) {
    std::string origin = std::move(s.parked.front());
    s.parked.pop_front();
    if (!still_waiting(origin)) continue;
    ready.push_back(std::move(origin));
    --n;
  }
  // More wait: look again as soon as those had their chance (they are
  // due now, and wake-ups queue behind them).
  if (!s.parked.empty()) {
    s.wake_pending = true;
    *wake = now;
  }
  return ready;
}

bool AddressSlots::wake_wanted(std::string_view address, TimePoint now,
                               std::optional<TimePoint>* wake) {
  auto it = slots_.find(address);
  if (it == slots_.end()) return false;
  Slot& s = it->second;
  if (s.parked.empty() || s.wake_pending) return false;
  auto at = due(s, now);
  if (!at) return false;
  s.wake_pending = true;
  *wake = at;
  return true;
}

std::size_t AddressSlots::in_flight(std::string_view address) const {
  auto it = slots_.find(address);
  return it == slots_.end() ? 0 : it->second.in_flight;
}

std::size_t AddressSlots::parked(std::string_view address) const {
  auto it = slots_.find(address);
  return it == slots_.end() ? 0 : it->second.parked.size();
}

void AddressSlots::forget_idle(TimePoint now) {
  std::erase_if(slots_, [now](const auto& entry) {
    const Slot& s = entry.second;
    return s.in_flight == 0 && s.parked.empty() && !s.wake_pending && s.next_start <= now;
  });
}

}  // namespace crawler
