// RevisitPoller: see revisit_poller.hpp.
#include "crawler/engine/revisit_poller.hpp"

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "crawler/async/offload.hpp"
#include "crawler/async/sleep.hpp"
#include "crawler/base/unix_time.hpp"
#include "parsers/crawl_url.hpp"

namespace crawler {

// Service mode: every second, queue the stored pages whose revisit is due.
// The query runs on the pool, on the store's own connection for it. It walks
// on from where it stopped, so pages queued already (one host's thousands
// waiting for their politeness turns) do not hide the rest; and it takes
// no more while many revisits are outstanding.
RevisitPoller::RevisitPoller(VisitContext& context, storage::CrawlStore& store, Hooks hooks)
    : context_(context), store_(store), hooks_(std::move(hooks)) {}

async::Task<void> RevisitPoller::poll() {
  storage::DueCursor cursor;
  while (!context_.stopping) {
    co_await async::sleep_for(context_.loop.get(), std::chrono::seconds(1));
    if (context_.stopping) break;
    if (revisiting_.size() >= kMaxQueued) continue;
    std::int64_t now = unix_ms_now();
    auto query = [this, now, cursor] { return store_.due_pages(now, kPerPoll, cursor); };
    std::vector<storage::DuePage> due;
    try {
      due = co_await async::offload(context_.loop.get(), query);
    } catch (const storage::StorageError&) {
      continue;  // e.g. the schema is not there yet; ask again next time
    }
    // A short read reached the end: the next walk starts over.
    cursor = due.size() < static_cast<std::size_t>(kPerPoll)
                 ? storage::DueCursor{}
                 : storage::DueCursor{due.back().next_visit_ms, due.back().page_id};
    for (auto& page : due) {
      // A stored URL: its origin is found here, once, and travels with it.
      auto url = parsers::CrawlUrl::from_key(page.url);
      if (context_.stopping || !hooks_.fetchable(url.origin()) ||
          !revisiting_.insert(page.url).second)
        continue;
      context_.frontier.revisit(std::move(url), std::move(page));
    }
    if (!due.empty()) hooks_.queued();
  }
}

}  // namespace crawler
