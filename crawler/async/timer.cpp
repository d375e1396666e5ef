// Timer and SignalWatch: see timer.hpp.
#include "crawler/async/timer.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace crawler::async {

namespace {

std::uint64_t as_ms(std::chrono::milliseconds delay) {
  return static_cast<std::uint64_t>(std::max<std::int64_t>(0, delay.count()));
}

}  // namespace

Timer::Timer(uv_loop_t* loop, std::function<void()> on_fire)
    : on_fire_(std::move(on_fire)),
      handle_(
          UvHandle<uv_timer_t>::open([loop](uv_timer_t* t) { return uv_timer_init(loop, t); })) {
  handle_.get()->data = this;
}

void Timer::start(std::chrono::milliseconds delay, std::chrono::milliseconds repeat) {
  uv_timer_start(
      handle_.get(), [](uv_timer_t* t) noexcept { static_cast<Timer*>(t->data)->on_fire_(); },
      as_ms(delay), as_ms(repeat));
}

void Timer::stop() {
  uv_timer_stop(handle_.get());
}

void Timer::unref() {
  uv_unref(handle_.base());
}

SignalWatch::SignalWatch(uv_loop_t* loop, int signum, std::function<void()> on_signal)
    : on_signal_(std::move(on_signal)),
      handle_(
          UvHandle<uv_signal_t>::open([loop](uv_signal_t* s) { return uv_signal_init(loop, s); })) {
  handle_.get()->data = this;
  uv_signal_start(
      handle_.get(),
      [](uv_signal_t* s, int) noexcept { static_cast<SignalWatch*>(s->data)->on_signal_(); },
      signum);
}

}  // namespace crawler::async
