// CrawlEngine, revisits: the service mode's poller that queues stored pages
// when they are due, and the policy that judges a revisit (validators, body
// hash, an interval that doubles while unchanged and halves on change).
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

// Intervals are kept in whole seconds, never below one, within
// --revisit-min and --revisit-max.
std::int64_t CrawlEngine::revisit_interval_s(double seconds) const {
  double low = std::max(1.0, options_.revisit_min_ms / 1000.0);
  double high = std::max(low, options_.revisit_max_ms / 1000.0);
  return static_cast<std::int64_t>(std::clamp(seconds, low, high));
}

// What a visit learns for the next one: validators, a hash of the body, and
// the revisit interval: doubled while the page stays the same (304 or the
// same hash), halved when it changed, kept after a failure; within bounds.
void CrawlEngine::judge_revisit(const FrontierUrl& url, const async::FetchResult& result,
                                storage::PageRecord& record) {
  auto clamp = [this](double seconds) { return revisit_interval_s(seconds); };
  record.etag = std::string(result.header("etag"));
  record.last_modified = std::string(result.header("last-modified"));
  if (!url.revisit) {
    record.revisit_after_s = clamp(kFirstRevisitS);
    return;
  }
  const storage::DuePage& before = *url.revisit;
  record.revisit = true;
  record.unchanged = false;  // decided below
  ++summary_.revisits;
  double interval = static_cast<double>(std::max<std::int64_t>(before.revisit_after_s, 1));
  bool same = result.ok() && (result.status == 304 ||
                              (result.status == 200 && record.content_hash == before.content_hash));
  if (same) {
    record.unchanged = true;
    record.revisit_after_s = clamp(interval * 2);
  } else if (result.ok() && result.status < 500) {
    ++summary_.revisits_changed;
    record.revisit_after_s = clamp(interval / 2);
  } else {
    // A failed revisit keeps the stored page as it was; it comes back as planned.
    record.unchanged = true;
    record.revisit_after_s = clamp(interval);
  }
}

}  // namespace crawler
