// WakeSignal: lets one coroutine wait until someone has something for it.
// notify() before wait() is remembered, so a wake-up is never lost; the
// waiter is resumed inline by notify(), so call it last in the notifier.
#pragma once

#include <coroutine>
#include <utility>

namespace crawler::async {

class WakeSignal {
 public:
  auto wait() noexcept {
    struct Awaiter {
      WakeSignal* signal;
      bool await_ready() const noexcept { return std::exchange(signal->pending_, false); }
      void await_suspend(std::coroutine_handle<> waiter) noexcept { signal->waiter_ = waiter; }
      void await_resume() const noexcept {}
    };
    return Awaiter{this};
  }

  void notify() {
    if (auto waiter = std::exchange(waiter_, {})) {
      waiter.resume();
    } else {
      pending_ = true;
    }
  }

 private:
  std::coroutine_handle<> waiter_;
  bool pending_ = false;
};

}  // namespace crawler::async
