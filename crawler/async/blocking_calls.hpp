// BlockingCalls: calls that block (getaddrinfo) made on the libuv thread
// pool, each awaited for at most a deadline, at most `max_running` of them
// holding a pool thread at once.
//
// Why: a blocking call cannot be stopped once it runs (a lookup against a
// dead name server takes glibc 5 s a try, two tries a server), and the
// pool's four threads are the parses' and the writer's too: four such
// lookups stopped the crawl for as long as they took, and a queue of them
// for minutes. Here the waiter gives up at its deadline (its outcome is then
// nullopt) while the call runs on, detached, until it returns; and calls
// past their deadline still count against `max_running`, so the rest of the
// pool keeps parsing and writing. (libuv caps its own slow I/O, its
// uv_getaddrinfo included, at half the pool for the same reason.)
//
// Loop thread only. A detached call outlives its BlockingCalls safely: it
// holds the shared bookkeeping, not the object.
#pragma once

#include <uv.h>

#include <chrono>
#include <coroutine>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "crawler/async/uv_handle.hpp"

namespace crawler::async {

template <typename T>
class BlockingCalls {
  struct Job;
  struct Shared;

 public:
  using Clock = std::chrono::steady_clock;

  BlockingCalls(uv_loop_t* loop, std::size_t max_running, std::chrono::milliseconds deadline)
      : shared_(std::make_shared<Shared>()),
        timer_(
            UvHandle<uv_timer_t>::open([loop](uv_timer_t* t) { return uv_timer_init(loop, t); })) {
    shared_->loop = loop;
    shared_->max_running = max_running < 1 ? 1 : max_running;
    shared_->deadline = deadline;
    shared_->timer = timer_.get();
    timer_.get()->data = shared_.get();
  }
  BlockingCalls(const BlockingCalls&) = delete;
  BlockingCalls& operator=(const BlockingCalls&) = delete;
  // Every waiter is gone by now (its task was joined); calls still running
  // finish on their own.
  ~BlockingCalls() { shared_->timer = nullptr; }

  /// Awaitable: fn() on the pool; its value, or nullopt when the deadline
  /// (counted from the co_await, the wait for a thread included) came first
  /// or fn threw.
  class Call {
   public:
    Call(std::shared_ptr<Shared> shared, std::function<T()> fn)
        : shared_(std::move(shared)), fn_(std::move(fn)) {}
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;
    ~Call() {
      if (job_) Shared::forget(shared_.get(), job_);  // a frame destroyed while it waited
    }
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> waiter) {
      waiter_ = waiter;
      job_ = new Job{shared_, std::move(fn_), this, Clock::now() + shared_->deadline};
      Shared::admit(shared_.get(), job_);
    }
    std::optional<T> await_resume() { return std::move(result_); }

   private:
    friend struct Shared;
    std::shared_ptr<Shared> shared_;
    std::function<T()> fn_;
    Job* job_ = nullptr;  // while waiting
    std::coroutine_handle<> waiter_;
    std::optional<T> result_;
  };

  Call call(std::function<T()> fn) { return Call(shared_, std::move(fn)); }

  /// Calls holding a pool thread, those past their deadline included.
  std::size_t running() const { return shared_->running; }
  std::chrono::milliseconds deadline() const { return shared_->deadline; }

 private:
  struct Job {
    Job(std::shared_ptr<Shared> owner, std::function<T()> call, Call* waiting, Clock::time_point by)
        : shared(std::move(owner)), fn(std::move(call)), waiter(waiting), deadline(by) {}

    std::shared_ptr<Shared> shared;  // keeps the bookkeeping alive while the call runs
    std::function<T()> fn;
    Call* waiter;  // null once answered, timed out or forgotten
    Clock::time_point deadline;
    typename std::list<Job*>::iterator waiting_at{};
    bool started = false;
    std::optional<T> value;  // written on the pool thread
    uv_work_t work{};
  };

  struct Shared {
    uv_loop_t* loop = nullptr;
    std::size_t max_running = 1;
    std::chrono::milliseconds deadline{};
    uv_timer_t* timer = nullptr;  // null once the BlockingCalls is gone
    std::size_t running = 0;
    std::deque<Job*> queued;  // not started, oldest first
    std::list<Job*> waiting;  // with a waiter; by deadline, as all deadlines are equal

    static void admit(Shared* self, Job* job) {
      job->waiting_at = self->waiting.insert(self->waiting.end(), job);
      if (self->waiting.size() == 1) self->arm();
      if (self->running < self->max_running) {
        self->start(job);
      } else {
        self->queued.push_back(job);
      }
    }

    void start(Job* job) {
      ++running;
      job->started = true;
      job->work.data = job;
      // uv_queue_work fails only without a work callback.
      uv_queue_work(loop, &job->work, &Shared::run, &Shared::done);
    }

    static void run(uv_work_t* work) {
      auto* job = static_cast<Job*>(work->data);
      try {
        job->value.emplace(job->fn());
      } catch (...) {
        // no value: the waiter gets nullopt
      }
    }

    static void done(uv_work_t* work, int /*status*/) {
      auto* job = static_cast<Job*>(work->data);
      std::shared_ptr<Shared> self = std::move(job->shared);
      --self->running;
      while (!self->queued.empty() && self->running < self->max_running) {
        Job* next = self->queued.front();
        self->queued.pop_front();
        self->start(next);
      }
      Call* waiter = job->waiter ? self->unlink(job) : nullptr;
      if (waiter) waiter->result_ = std::move(job->value);
      delete job;
      if (waiter) waiter->waiter_.resume();
    }

    // The deadline: every waiter whose time is up gets nullopt. Its call,
    // if started, runs on; if not, it never will.
    static void expire(uv_timer_t* timer) {
      auto* self = static_cast<Shared*>(timer->data);
      std::vector<Call*> late;
      Clock::time_point now = Clock::now();
      while (!self->waiting.empty() && self->waiting.front()->deadline <= now) {
        Job* job = self->waiting.front();
        late.push_back(self->unlink(job));
        if (!job->started) self->drop(job);
      }
      // The loop's clock is the one it read as its turn began: the timer
      // may fire a little before the deadline, and then fires again.
      self->arm();
      // Remove first, resume after: a resumed waiter may start calls or
      // destroy the BlockingCalls.
      for (Call* call : late) call->waiter_.resume();
    }

    static void forget(Shared* self, Job* job) {
      self->unlink(job);
      if (!job->started) self->drop(job);
    }

    Call* unlink(Job* job) {
      Call* call = std::exchange(job->waiter, nullptr);
      call->job_ = nullptr;
      bool first = job->waiting_at == waiting.begin();
      waiting.erase(job->waiting_at);
      if (first) arm();
      return call;
    }

    void drop(Job* job) {
      std::erase(queued, job);
      delete job;
    }

    void arm() {
      if (!timer) return;
      if (waiting.empty()) {
        uv_timer_stop(timer);
        return;
      }
      auto left =
          std::chrono::ceil<std::chrono::milliseconds>(waiting.front()->deadline - Clock::now());
      uv_timer_start(timer, &Shared::expire,
                     static_cast<std::uint64_t>(left.count() > 0 ? left.count() : 0), 0);
    }
  };

  std::shared_ptr<Shared> shared_;
  UvHandle<uv_timer_t> timer_;
};

}  // namespace crawler::async
