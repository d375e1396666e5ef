// TaskScope: owns spawned tasks until they end (after cppcoro's async_scope).
// spawn() starts a task at once; join() completes when every spawned task
// has ended. A scope must be joined before it is destroyed. An exception
// escaping a spawned task is kept and rethrown by join(): page tasks catch
// their own failures, so one reaching here is a bug worth surfacing.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>

#include "crawler/async/task.hpp"

namespace crawler::async {

class TaskScope {
 public:
  TaskScope() = default;
  TaskScope(const TaskScope&) = delete;
  TaskScope& operator=(const TaskScope&) = delete;

  /// Starts `task` now; it runs until its first suspension before spawn returns.
  void spawn(Task<void> task);

  /// Completes once no spawned task is running; rethrows the first escaped exception.
  Task<void> join();

  std::size_t active() const { return active_; }

 private:
  struct Detached {
    struct promise_type {
      Detached get_return_object() noexcept { return {}; }
      std::suspend_never initial_suspend() noexcept { return {}; }
      std::suspend_never final_suspend() noexcept { return {}; }
      void return_void() noexcept {}
      void unhandled_exception() noexcept { std::terminate(); }
    };
  };

  // Ends the detached coroutine: destroys its frame, then hands control to
  // the joiner if this was the last task.
  struct Leave {
    TaskScope* scope;
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> self) noexcept;
    void await_resume() const noexcept {}
  };

  static Detached run(TaskScope* scope, Task<void> task);

  std::size_t active_ = 0;
  std::coroutine_handle<> joiner_;
  std::exception_ptr first_error_;
};

}  // namespace crawler::async
