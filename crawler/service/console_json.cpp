// console_json: see console_json.hpp.
#include "crawler/service/console_json.hpp"

#include <chrono>

#include "crawler/base/unix_time.hpp"

namespace crawler::console_json {

using nlohmann::json;

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

double unix_seconds_now() {
  return static_cast<double>(unix_ms_now()) / 1000;
}

json unix_seconds(TimePoint at) {
  if (at == TimePoint{}) return nullptr;
  auto offset = std::chrono::duration<double>(at - Clock::now()).count();
  return unix_seconds_now() + offset;
}

json order_object(const CrawlEngine& engine, const std::string& origin) {
  const storage::OriginControl* order = engine.origin_controls().find(origin);
  if (!order) return nullptr;
  return {{"paused", order->paused},
          {"blocked", order->blocked},
          {"delay_ms", order->delay_ms >= 0 ? json(order->delay_ms) : json(nullptr)},
          {"changed_at", static_cast<double>(order->changed_at_ms) / 1000}};
}

}  // namespace crawler::console_json
