// sleep_for: see sleep.hpp.
#include "crawler/async/sleep.hpp"

namespace crawler::async {

void SleepAwaiter::await_suspend(std::coroutine_handle<> waiter) {
  // The loop's clock is cached at the start of its iteration; refresh it so
  // the pause is at least `delay` from now, not from then. It is also cut
  // to whole milliseconds: one more makes "at least" hold.
  uv_update_time(loop_);
  auto delay = static_cast<std::uint64_t>(delay_.count());
  auto* timer = new uv_timer_t{};
  uv_timer_init(loop_, timer);
  timer->data = waiter.address();
  uv_timer_start(
      timer,
      [](uv_timer_t* t) {
        auto resume = std::coroutine_handle<>::from_address(t->data);
        uv_close(reinterpret_cast<uv_handle_t*>(t),
                 [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
        resume.resume();
      },
      delay == 0 ? 0 : delay + 1, 0);
}

}  // namespace crawler::async
