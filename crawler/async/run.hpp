// run_until_done: the bridge from plain code into coroutines. Starts a task
// on the loop, runs the loop until the task has finished, and returns its
// result (or rethrows its exception). Used by main and by tests.
#pragma once

#include <exception>
#include <optional>
#include <stdexcept>
#include <utility>

#include "crawler/async/loop.hpp"
#include "crawler/async/task.hpp"
#include "crawler/async/task_scope.hpp"

namespace crawler::async {

namespace detail {
template <typename T>
Task<void> store_result(uv_loop_t* loop, Task<T> task, std::optional<T>& out,
                        std::exception_ptr& error) {
  try {
    out.emplace(co_await std::move(task));
  } catch (...) {
    error = std::current_exception();
  }
  // Long-lived handles (signal watchers) keep the loop alive; the task is the
  // lifetime that matters.
  uv_stop(loop);
}
}  // namespace detail

template <typename T>
T run_until_done(Loop& loop, Task<T> task) {
  std::optional<T> out;
  std::exception_ptr error;
  TaskScope scope;
  scope.spawn(detail::store_result(loop.get(), std::move(task), out, error));
  while (scope.active() > 0) {
    bool more = uv_run(loop.get(), UV_RUN_DEFAULT) != 0;
    if (!more && scope.active() > 0) std::terminate();  // a task waits on nothing: a bug
  }
  if (error) std::rethrow_exception(error);
  return std::move(*out);
}

/// For Task<void>: wrap in a Task<bool>.
inline Task<bool> as_value(Task<void> task) {
  co_await std::move(task);
  co_return true;
}

inline void run_until_done(Loop& loop, Task<void> task) {
  run_until_done<bool>(loop, as_value(std::move(task)));
}

}  // namespace crawler::async
