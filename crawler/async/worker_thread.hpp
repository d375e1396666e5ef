// WorkerThread: one thread of our own, beside libuv's pool. Jobs handed to it
// from the loop thread run on it one at a time, in order, and each awaiting
// coroutine resumes on the loop thread with the job's result (or its
// exception), as with offload(). For a serial stage that must not queue
// behind the pool's work nor take one of its threads (the page writer).
#pragma once

#include <uv.h>

#include <condition_variable>
#include <coroutine>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "crawler/async/uv_handle.hpp"

namespace crawler::async {

class WorkerThread {
 public:
  /// One job: run() on the worker, then resume() on the loop thread.
  class Job {
   public:
    virtual void run() noexcept = 0;
    virtual void resume() = 0;

   protected:
    ~Job() = default;
  };

  explicit WorkerThread(uv_loop_t* loop);
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;
  /// Joins the thread. Every job handed over must have resumed by then:
  /// their awaiters stay suspended until they do.
  ~WorkerThread();

  /// `co_await worker.run(fn)` runs fn() on the worker and yields its result.
  /// Pass fn as a named local (g++ 12 double-destroys lambda temporaries in co_await).
  template <typename Fn>
  auto run(Fn fn);

  /// Hands a job over (loop thread only).
  void post(Job* job);

 private:
  void work();
  static void on_done(uv_async_t* async);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job*> queued_;      // guarded by mutex_
  std::vector<Job*> done_;       // guarded by mutex_
  bool stopping_ = false;        // guarded by mutex_
  std::size_t outstanding_ = 0;  // loop thread only: posted, not yet resumed
  UvHandle<uv_async_t> done_signal_;
  std::thread thread_;
};

template <typename Fn>
class WorkerAwaiter final : public WorkerThread::Job {
 public:
  using Result = std::invoke_result_t<Fn&>;

  WorkerAwaiter(WorkerThread& worker, Fn fn) : worker_(worker), fn_(std::move(fn)) {}
  WorkerAwaiter(const WorkerAwaiter&) = delete;
  WorkerAwaiter& operator=(const WorkerAwaiter&) = delete;

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> waiter) {
    waiter_ = waiter;
    worker_.post(this);
  }
  Result await_resume() {
    if (error_) std::rethrow_exception(error_);
    if constexpr (!std::is_void_v<Result>) return std::move(*result_);
  }

  void run() noexcept override {
    try {
      if constexpr (std::is_void_v<Result>) {
        fn_();
      } else {
        result_.emplace(fn_());
      }
    } catch (...) {
      error_ = std::current_exception();
    }
  }
  void resume() override { waiter_.resume(); }

 private:
  using Stored = std::conditional_t<std::is_void_v<Result>, bool, Result>;

  WorkerThread& worker_;
  Fn fn_;
  std::coroutine_handle<> waiter_;
  std::optional<Stored> result_;
  std::exception_ptr error_;
};

template <typename Fn>
auto WorkerThread::run(Fn fn) {
  return WorkerAwaiter<Fn>(*this, std::move(fn));
}

}  // namespace crawler::async
