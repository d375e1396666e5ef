// PageWriter: see page_writer.hpp.
#include "crawler/engine/page_writer.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "crawler/async/sleep.hpp"
#include "crawler/async/wake_signal.hpp"
#include "crawler/base/log.hpp"

namespace crawler {

namespace {

struct BatchOutcome {
  std::size_t written = 0;
  std::size_t failed = 0;
  std::size_t fenced = 0;  // left out: another crawler holds their origin now
  std::string error;
  bool fatal = false;
  bool busy = false;  // another connection holds the database: nothing written, try again
};

// Page records, not counting queue-only ones.
std::size_t pages_in(const std::vector<storage::PageRecord>& batch) {
  return static_cast<std::size_t>(std::count_if(
      batch.begin(), batch.end(), [](const auto& record) { return !record.queue_only; }));
}

// A page the store refused is stored without its content, as an error, so
// that its URL is done (or the frontier would read it back and fetch it
// again) and the URLs it queued, which may be nowhere else, are kept. If
// even that is refused, its queued URLs alone.
void salvage(storage::CrawlStore& store, const storage::PageRecord& refused,
             const std::string& why) {
  storage::PageRecord bare = refused;
  bare.title.clear();
  bare.text.clear();
  bare.links.clear();
  bare.raw_request.clear();
  bare.raw_head.clear();
  bare.raw_body.clear();
  bare.unchanged = bare.revisit;  // a stored page keeps its content
  bare.error = "store_refused";
  bare.error_detail = why;
  try {
    store.write(std::span(&bare, 1));
    return;
  } catch (const storage::StorageError&) {
  }
  storage::PageRecord queued;
  queued.queue_only = true;
  queued.queued = refused.queued;
  queued.queued_depth = refused.queued_depth;
  queued.queued_source = refused.queued_source;
  try {
    store.write(std::span(&queued, 1));
  } catch (const storage::StorageError&) {
    // Nothing more to try: the refusal is counted already.
  }
}

// Runs on the writer's thread. One transaction for the batch; if it fails, each
// record alone, so one bad record cannot take its neighbours down with it.
BatchOutcome write_batch(storage::CrawlStore& store,
                         const std::vector<storage::PageRecord>& batch) {
  BatchOutcome outcome;
  try {
    outcome.fenced = store.write(batch);
    outcome.written = pages_in(batch) - outcome.fenced;
    return outcome;
  } catch (const storage::StorageError& e) {
    outcome.error = e.what();
    if (e.failure() == storage::Failure::kBusy) {
      outcome.busy = true;
      return outcome;
    }
  }
  for (const auto& record : batch) {
    try {
      std::size_t fenced = store.write(std::span(&record, 1));
      outcome.fenced += fenced;
      outcome.written += !record.queue_only && fenced == 0;
    } catch (const storage::StorageError& e) {
      ++outcome.failed;
      if (e.failure() == storage::Failure::kFatal) {
        outcome.fatal = true;
      } else if (!record.queue_only) {
        salvage(store, record, e.what());
      }
    }
  }
  if (outcome.failed == 0) outcome.error.clear();
  return outcome;
}

// About what a record holds in memory; strings dominate.
std::size_t record_bytes(const storage::PageRecord& record) {
  std::size_t bytes = sizeof record + record.url.size() + record.final_url.size() +
                      record.title.size() + record.text.size() + record.raw_request.size() +
                      record.raw_head.size() + record.raw_body.size();
  for (const auto& link : record.links) bytes += sizeof link + link.size();
  for (const auto& url : record.queued) bytes += sizeof url + url.size();
  if (record.robots) bytes += record.robots->body.size();
  return bytes;
}

}  // namespace

PageWriter::PageWriter(uv_loop_t* loop, storage::CrawlStore& store,
                       std::function<void()> on_progress, std::chrono::milliseconds max_outage)
    : loop_(loop),
      store_(store),
      on_progress_(std::move(on_progress)),
      max_outage_(max_outage),
      thread_(loop) {}

void PageWriter::add(storage::PageRecord record) {
  pending_bytes_ += record_bytes(record);
  pending_.push_back(std::move(record));
  if (scope_.active() == 0) scope_.spawn(drain());
}

void PageWriter::after_pending(std::function<void()> then) {
  if (!pending_.empty()) {
    pending_then_.push_back(std::move(then));
  } else if (writing_ > 0) {
    writing_then_.push_back(std::move(then));
  } else {
    then();
  }
}

async::Task<void> PageWriter::drain() {
  while (!pending_.empty()) {
    std::vector<storage::PageRecord> batch = std::exchange(pending_, {});
    writing_then_ = std::exchange(pending_then_, {});
    writing_ = batch.size();
    writing_bytes_ = std::exchange(pending_bytes_, 0);
    auto job = [this, &batch] { return write_batch(store_, batch); };
    BatchOutcome outcome;
    auto started = std::chrono::steady_clock::now();
    for (;;) {
      try {
        outcome = co_await thread_.run(job);
      } catch (const std::exception& e) {
        // Not a storage refusal (those are handled per record): the batch is lost.
        outcome = BatchOutcome{};
        outcome.failed = batch.size();
        outcome.error = std::string("writing a batch: ") + e.what();
        outcome.fatal = true;
      }
      if (!outcome.busy) break;
      if (std::chrono::steady_clock::now() - started >= max_outage_) {
        outcome.failed = pages_in(batch);
        outcome.error = "the database stayed busy or out of reach: " + outcome.error;
        outcome.fatal = true;
        break;
      }
      log::warning("the database is busy or out of reach (" + outcome.error +
                   "); trying the batch again in 1 s");
      co_await async::sleep_for(loop_, std::chrono::seconds(1));
    }
    writing_ = 0;
    writing_bytes_ = 0;
    last_batch_seconds_ =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    write_seconds_ += last_batch_seconds_;
    ++batches_;
    for (auto& then : std::exchange(writing_then_, {})) then();
    written_ += outcome.written;
    failed_ += outcome.failed;
    fenced_ += outcome.fenced;
    if (!outcome.error.empty() && first_error_.empty()) first_error_ = outcome.error;
    fatal_ = fatal_ || outcome.fatal;
    if (on_progress_) on_progress_();
  }
}

async::Task<void> PageWriter::flush() {
  co_await scope_.join();
}

async::Task<void> PageWriter::committed() {
  async::WakeSignal done;
  after_pending([&done] { done.notify(); });
  co_await done.wait();
}

}  // namespace crawler
