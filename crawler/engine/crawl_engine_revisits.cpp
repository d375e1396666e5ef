// CrawlEngine, revisits: the service mode's poller that queues stored pages
// when they are due (the policy that judges a revisit is RevisitPolicy).
#include <algorithm>
#include <chrono>

#include "crawler/async/offload.hpp"
#include "crawler/async/sleep.hpp"
#include "crawler/base/unix_time.hpp"
#include "crawler/engine/crawl_engine.hpp"
#include "parsers/url.hpp"

namespace crawler {

// Service mode: every second, queue the stored pages whose revisit is due.
// The query runs on the pool, on the store's own connection for it. It walks
// on from where it stopped, so pages queued already (one host's thousands
// waiting for their politeness turns) do not hide the rest; and it takes
// no more while many revisits are outstanding.
async::Task<void> CrawlEngine::poll_revisits() {
  storage::DueCursor cursor;
  while (!stopping_) {
    co_await async::sleep_for(loop_.get(), std::chrono::seconds(1));
    if (stopping_) break;
    if (revisiting_.size() >= kMaxRevisitsQueued) continue;
    std::int64_t now = unix_ms_now();
    auto query = [this, now, cursor] { return store_.due_pages(now, kRevisitsPerPoll, cursor); };
    std::vector<storage::DuePage> due;
    try {
      due = co_await async::offload(loop_.get(), query);
    } catch (const storage::StorageError&) {
      continue;  // e.g. the schema is not there yet; ask again next time
    }
    // A short read reached the end: the next walk starts over.
    cursor = due.size() < static_cast<std::size_t>(kRevisitsPerPoll)
                 ? storage::DueCursor{}
                 : storage::DueCursor{due.back().next_visit_ms, due.back().page_id};
    for (auto& page : due) {
      if (stopping_ || !fetchable(parsers::normalized_origin(page.url)) ||
          !revisiting_.insert(page.url).second)
        continue;
      frontier_.revisit(std::move(page));
    }
    if (!due.empty()) wake_.notify();
  }
}

}  // namespace crawler
