// OriginControls: see origin_controls.hpp.
#include "crawler/engine/origin_controls.hpp"

#include <utility>

namespace crawler {

void OriginControls::set(storage::OriginControl control) {
  std::string origin = control.origin;
  orders_.insert_or_assign(std::move(origin), std::move(control));
}

const storage::OriginControl* OriginControls::find(std::string_view origin) const {
  auto found = orders_.find(origin);
  return found == orders_.end() ? nullptr : &found->second;
}

bool OriginControls::held(std::string_view origin) const {
  const storage::OriginControl* order = find(origin);
  return order && (order->paused || order->blocked);
}

bool OriginControls::blocked(std::string_view origin) const {
  const storage::OriginControl* order = find(origin);
  return order && order->blocked;
}

std::optional<Millis> OriginControls::delay(std::string_view origin) const {
  const storage::OriginControl* order = find(origin);
  if (!order || order->delay_ms < 0) return std::nullopt;
  return Millis(order->delay_ms);
}

}  // namespace crawler
