// WorkerThread: see worker_thread.hpp.
#include "crawler/async/worker_thread.hpp"

namespace crawler::async {

WorkerThread::WorkerThread(uv_loop_t* loop)
    : done_signal_(UvHandle<uv_async_t>::open([loop](uv_async_t* async) {
        return uv_async_init(loop, async, &WorkerThread::on_done);
      })) {
  done_signal_.get()->data = this;
  // The signal keeps the loop running only while a job is outstanding.
  uv_unref(done_signal_.base());
  thread_ = std::thread([this] { work(); });
}

WorkerThread::~WorkerThread() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void WorkerThread::post(Job* job) {
  if (outstanding_++ == 0) uv_ref(done_signal_.base());
  {
    std::lock_guard lock(mutex_);
    queued_.push_back(job);
  }
  wake_.notify_one();
}

void WorkerThread::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queued_.empty(); });
    if (queued_.empty()) return;  // stopping, and nothing left
    Job* job = queued_.front();
    queued_.pop_front();
    lock.unlock();
    job->run();
    lock.lock();
    done_.push_back(job);
    uv_async_send(done_signal_.get());
  }
}

void WorkerThread::on_done(uv_async_t* async) {
  auto* self = static_cast<WorkerThread*>(async->data);
  std::vector<Job*> done;
  {
    std::lock_guard lock(self->mutex_);
    done.swap(self->done_);
  }
  self->outstanding_ -= done.size();
  if (self->outstanding_ == 0) uv_unref(self->done_signal_.base());
  // Resumed last: a resumed coroutine may post again, or destroy this worker.
  for (Job* job : done) job->resume();
}

}  // namespace crawler::async
