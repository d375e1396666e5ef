// TaskScope: see task_scope.hpp.
#include "crawler/async/task_scope.hpp"

#include <utility>

namespace crawler::async {

void TaskScope::spawn(Task<void> task) {
  ++active_;
  run(this, std::move(task));
}

TaskScope::Detached TaskScope::run(TaskScope* scope, Task<void> task) {
  try {
    co_await std::move(task);
  } catch (...) {
    if (!scope->first_error_) scope->first_error_ = std::current_exception();
  }
  co_await Leave{scope};
}

std::coroutine_handle<> TaskScope::Leave::await_suspend(std::coroutine_handle<> self) noexcept {
  TaskScope* owner = scope;  // this awaiter lives in the frame destroyed next
  self.destroy();
  if (--owner->active_ == 0 && owner->joiner_) return std::exchange(owner->joiner_, {});
  return std::noop_coroutine();
}

Task<void> TaskScope::join() {
  struct Joined {
    TaskScope* scope;
    bool await_ready() const noexcept { return scope->active_ == 0; }
    void await_suspend(std::coroutine_handle<> joiner) noexcept { scope->joiner_ = joiner; }
    void await_resume() const noexcept {}
  };
  co_await Joined{this};
  if (first_error_) std::rethrow_exception(std::exchange(first_error_, {}));
}

}  // namespace crawler::async
