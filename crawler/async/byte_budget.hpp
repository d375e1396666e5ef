// ByteBudget: an asynchronous semaphore counted in bytes. A coroutine asks
// for n bytes and resumes when they fit under the cap; waiters are served
// first come, first served, so a large request is not starved by small
// ones. One request always fits when nothing is held, so a request larger
// than the cap runs alone instead of never. Loop thread only.
#pragma once

#include <coroutine>
#include <cstddef>
#include <deque>
#include <utility>

namespace crawler::async {

class ByteBudget {
 public:
  explicit ByteBudget(std::size_t cap) : cap_(cap) {}
  ByteBudget(const ByteBudget&) = delete;
  ByteBudget& operator=(const ByteBudget&) = delete;

  /// Held bytes, given back when it is destroyed.
  class Permit {
   public:
    Permit(ByteBudget* budget, std::size_t bytes) : budget_(budget), bytes_(bytes) {}
    Permit(Permit&& other) noexcept
        : budget_(std::exchange(other.budget_, nullptr)), bytes_(other.bytes_) {}
    Permit& operator=(Permit&&) = delete;
    ~Permit() {
      if (budget_) budget_->release(bytes_);
    }

   private:
    ByteBudget* budget_;
    std::size_t bytes_;
  };

  /// co_await acquire(n) gives a Permit for n bytes.
  auto acquire(std::size_t bytes) {
    struct Awaiter {
      ByteBudget* budget;
      std::size_t bytes;
      bool await_ready() const noexcept { return budget->waiters_.empty() && budget->fits(bytes); }
      void await_suspend(std::coroutine_handle<> waiter) {
        budget->waiters_.push_back({waiter, bytes});
      }
      Permit await_resume() const noexcept {
        budget->used_ += bytes;
        return Permit(budget, bytes);
      }
    };
    return Awaiter{this, bytes};
  }

  std::size_t used() const { return used_; }
  std::size_t waiting() const { return waiters_.size(); }

 private:
  struct Waiter {
    std::coroutine_handle<> handle;
    std::size_t bytes;
  };

  bool fits(std::size_t bytes) const { return used_ == 0 || used_ + bytes <= cap_; }

  // Resumes, in order, the waiters that now fit; each takes its bytes as it resumes.
  void release(std::size_t bytes) {
    used_ -= bytes;
    while (!waiters_.empty() && fits(waiters_.front().bytes)) {
      Waiter next = waiters_.front();
      waiters_.pop_front();
      next.handle.resume();
    }
  }

  std::size_t cap_;
  std::size_t used_ = 0;
  std::deque<Waiter> waiters_;
};

}  // namespace crawler::async
