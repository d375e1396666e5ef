// Timer and SignalWatch: a uv timer and a uv signal watcher that call a
// function on the loop thread, for code outside crawler/async that should not
// touch libuv itself. Each owns its handle (closed on destruction; the loop
// frees it). The function must not throw: it runs inside a libuv callback.
#pragma once

#include <uv.h>

#include <chrono>
#include <functional>

#include "crawler/async/uv_handle.hpp"

namespace crawler::async {

class Timer {
 public:
  Timer(uv_loop_t* loop, std::function<void()> on_fire);
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  /// Fires once after `delay` (0: on the next loop turn), then every `repeat` if not zero;
  /// a timer already started starts over.
  void start(std::chrono::milliseconds delay,
             std::chrono::milliseconds repeat = std::chrono::milliseconds(0));
  void stop();
  /// The timer alone does not keep the loop running.
  void unref();

 private:
  std::function<void()> on_fire_;
  UvHandle<uv_timer_t> handle_;
};

class SignalWatch {
 public:
  /// Calls `on_signal` on the loop thread each time `signum` arrives.
  SignalWatch(uv_loop_t* loop, int signum, std::function<void()> on_signal);
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

 private:
  std::function<void()> on_signal_;
  UvHandle<uv_signal_t> handle_;
};

}  // namespace crawler::async
