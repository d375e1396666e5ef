// PageWriter: takes page records on the loop thread and writes them to the
// CrawlStore on a thread of its own, one batch at a time, so the database
// never runs on the loop thread and there is only ever one writer. Records
// that arrive while a batch is being written form the next batch. Its own
// thread, not libuv's pool of four: there a batch waited behind every parse
// queued, and with two stuck DNS lookups beside it the parses had one thread.
#pragma once

#include <uv.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "crawler/async/task.hpp"
#include "crawler/async/task_scope.hpp"
#include "crawler/async/worker_thread.hpp"
#include "storage/crawl_store.hpp"

namespace crawler {

class PageWriter {
 public:
  /// `on_progress` runs on the loop thread after each batch (e.g. to wake a
  /// scheduler). A batch the database refuses as busy or out of reach is
  /// tried again each second, never dropped; past `max_outage` the writer
  /// gives up and is fatal(): the crawl stops rather than hold pages forever.
  PageWriter(uv_loop_t* loop, storage::CrawlStore& store, std::function<void()> on_progress,
             std::chrono::milliseconds max_outage = std::chrono::minutes(10));
  PageWriter(const PageWriter&) = delete;
  PageWriter& operator=(const PageWriter&) = delete;

  void add(storage::PageRecord record);

  /// Runs `then` once every record added so far has been written (at once
  /// if nothing is waiting), on the loop thread.
  void after_pending(std::function<void()> then);

  /// Completes when every record added so far has been written (or failed).
  async::Task<void> flush();
  /// Completes once every record added so far is committed (after_pending
  /// as an awaitable): unlike flush(), it starts no batch itself.
  async::Task<void> committed();

  /// Records waiting for the writer; callers hold back new work when it is large.
  std::size_t backlog() const { return pending_.size() + writing_; }
  /// The same in bytes (text, links, kept bodies: what the records hold).
  std::size_t backlog_bytes() const { return pending_bytes_ + writing_bytes_; }
  std::size_t written() const { return written_; }
  std::size_t failed() const { return failed_; }
  /// Pages left out because another crawler of the fleet holds their origin now.
  std::size_t fenced() const { return fenced_; }
  std::size_t batches() const { return batches_; }
  /// Time spent writing batches (on the writer's thread), in seconds, and the last batch's.
  double write_seconds() const { return write_seconds_; }
  double last_batch_seconds() const { return last_batch_seconds_; }
  /// The first write failure, empty if none. A failure the writer cannot
  /// work around (disk full, I/O error) is fatal: the crawl should stop.
  const std::string& first_error() const { return first_error_; }
  bool fatal() const { return fatal_; }

 private:
  async::Task<void> drain();

  uv_loop_t* loop_;
  storage::CrawlStore& store_;
  std::function<void()> on_progress_;
  std::chrono::milliseconds max_outage_;
  std::vector<storage::PageRecord> pending_;
  std::vector<std::function<void()>> pending_then_;  // after the next batch
  std::vector<std::function<void()>> writing_then_;  // after the batch being written
  std::size_t writing_ = 0;
  std::size_t pending_bytes_ = 0;
  std::size_t writing_bytes_ = 0;
  std::size_t written_ = 0;
  std::size_t failed_ = 0;
  std::size_t fenced_ = 0;
  std::size_t batches_ = 0;
  double write_seconds_ = 0;
  double last_batch_seconds_ = 0;
  std::string first_error_;
  bool fatal_ = false;
  async::TaskScope scope_;
  // Last: joined first, so that a batch still being written ends while the
  // frame awaiting it is alive.
  async::WorkerThread thread_;
};

}  // namespace crawler
