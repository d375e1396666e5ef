// sleep_for: a coroutine pause on a one-shot uv timer. The timer lives in
// heap state that the timer callback closes before resuming the waiter, so
// the loop never holds a handle for a finished sleep.
#pragma once

#include <uv.h>

#include <chrono>
#include <coroutine>

namespace crawler::async {

class SleepAwaiter {
 public:
  SleepAwaiter(uv_loop_t* loop, std::chrono::milliseconds delay) : loop_(loop), delay_(delay) {}
  bool await_ready() const noexcept { return delay_.count() <= 0; }
  void await_suspend(std::coroutine_handle<> waiter);
  void await_resume() const noexcept {}

 private:
  uv_loop_t* loop_;
  std::chrono::milliseconds delay_;
};

/// Suspends the calling coroutine for `delay` without blocking the loop.
inline SleepAwaiter sleep_for(uv_loop_t* loop, std::chrono::milliseconds delay) {
  return {loop, delay};
}

}  // namespace crawler::async
