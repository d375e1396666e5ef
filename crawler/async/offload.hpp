// offload: runs a function on the libuv thread pool and resumes the awaiting
// coroutine on the loop thread with its result (or its exception). The
// function must not touch loop-thread state; the awaiter must stay suspended
// until the job is done, so the loop cannot close under a running job.
#pragma once

#include <uv.h>

#include <coroutine>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace crawler::async {

template <typename Fn>
class OffloadAwaiter {
 public:
  using Result = std::invoke_result_t<Fn&>;

  OffloadAwaiter(uv_loop_t* loop, Fn fn) : loop_(loop), fn_(std::move(fn)) {}
  OffloadAwaiter(const OffloadAwaiter&) = delete;
  OffloadAwaiter& operator=(const OffloadAwaiter&) = delete;

  bool await_ready() const noexcept { return false; }

  bool await_suspend(std::coroutine_handle<> waiter) {
    waiter_ = waiter;
    work_.data = this;
    int rc = uv_queue_work(loop_, &work_, &OffloadAwaiter::work, &OffloadAwaiter::after);
    if (rc != 0) {
      error_ = std::make_exception_ptr(
          std::runtime_error(std::string("uv_queue_work: ") + uv_strerror(rc)));
      return false;
    }
    return true;
  }

  Result await_resume() {
    if (error_) std::rethrow_exception(error_);
    if constexpr (!std::is_void_v<Result>) return std::move(*result_);
  }

 private:
  static void work(uv_work_t* req) {
    auto* self = static_cast<OffloadAwaiter*>(req->data);
    try {
      if constexpr (std::is_void_v<Result>) {
        self->fn_();
      } else {
        self->result_.emplace(self->fn_());
      }
    } catch (...) {
      self->error_ = std::current_exception();
    }
  }

  static void after(uv_work_t* req, int /*status*/) {
    static_cast<OffloadAwaiter*>(req->data)->waiter_.resume();
  }

  using Stored = std::conditional_t<std::is_void_v<Result>, bool, Result>;

  uv_loop_t* loop_;
  Fn fn_;
  uv_work_t work_{};
  std::coroutine_handle<> waiter_;
  std::optional<Stored> result_;
  std::exception_ptr error_;
};

/// `co_await offload(loop, fn)` runs fn() on the thread pool and yields its result.
/// Pass fn as a named local (g++ 12 double-destroys lambda temporaries in co_await).
template <typename Fn>
OffloadAwaiter<Fn> offload(uv_loop_t* loop, Fn fn) {
  return OffloadAwaiter<Fn>(loop, std::move(fn));
}

}  // namespace crawler::async
