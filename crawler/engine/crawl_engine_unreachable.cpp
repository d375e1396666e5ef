// CrawlEngine, origins given up: when an origin's robots.txt stayed
// unreachable for every attempt the run allows, each URL of it that is
// queued, in memory or in the database, is settled as robots_unreachable,
// in batches, without a fetch and without waiting for politeness delays.
// What must stay true: no URL gets two records (the frontier's held set
// guards the URLs being settled, as it guards those in flight), and the
// crawl does not end while a settle is still writing.
#include <utility>

#include "crawler/async/offload.hpp"
#include "crawler/base/log.hpp"
#include "crawler/engine/crawl_engine.hpp"

namespace crawler {

// A page that was never fetched for want of robots.txt. It is done for
// this run; `serve` comes back to it as to a page first visited now.
storage::PageRecord CrawlEngine::unreachable_record(const FrontierUrl& url,
                                                    const std::string& detail) {
  storage::PageRecord record = start_record(url);
  record.error = "robots_unreachable";
  record.error_detail = "robots.txt unreachable: " + detail;
  if (!url.revisit) record.revisit_after_s = revisit_interval_s(kFirstRevisitS);
  return record;
}

void CrawlEngine::give_up_origin(std::string_view origin, const std::string& detail) {
  auto [it, fresh] = settling_.try_emplace(std::string(origin), false);
  if (!fresh) {
    it->second = true;  // the settle running now goes round once more
    return;
  }
  settlers_.spawn(settle_origin(it->first, detail));
}

async::Task<void> CrawlEngine::settle_origin(std::string origin, std::string detail) {
  std::size_t settled = 0;
  try {
    auto settle = [this, &settled, &detail](const FrontierUrl& url) {
      ++summary_.robots_unreachable;
      ++settled;
      if (url.revisit) writer_.after_pending([this, done = url.url] { revisiting_.erase(done); });
      store(unreachable_record(url, detail));
    };
    do {
      settling_[origin] = false;
      // Memory first: once those records are written, the database's
      // queued rows of the origin are the ones memory did not hold. Then
      // the database, a chunk at a time, each chunk written before the next
      // is read.
      std::vector<FrontierUrl> batch = frontier_.take_queued(origin);
      bool last = false;
      for (;;) {
        std::vector<std::uint64_t> prints;
        for (const FrontierUrl& url : batch) {
          settle(url);
          prints.push_back(SeenSet::fingerprint(url.url));
        }
        co_await writes_committed();
        for (std::uint64_t print : prints) frontier_.committed(print);
        if (stopping_ || last) break;
        auto read = [this, &origin] { return store_.oldest_queued(origin, kSettleChunk); };
        std::vector<storage::QueuedUrl> rows = co_await async::offload(loop_.get(), read);
        last = rows.size() < kSettleChunk;
        batch.clear();
        for (storage::QueuedUrl& row : rows) {
          // Held: in memory or in flight now (a refill read it meanwhile):
          // it is settled there, when its turn comes.
          if (!frontier_.hold(row.url)) continue;
          batch.push_back({std::move(row.url), row.depth, UrlKind::kPage, 0, {}, nullptr});
        }
        if (batch.empty()) break;  // every row read is held elsewhere
      }
    } while (settling_[origin] && !stopping_);
  } catch (const std::exception& e) {
    // Left queued: the next run asks its robots.txt again.
    log::error("settling the URLs of " + origin + ": " + e.what());
  }
  settling_.erase(origin);
  frontier_.read_again(origin);  // URLs it spilled meanwhile are read, and settled in turn
  if (settled > 0)
    log::info("gave up " + origin + ": " + std::to_string(settled) +
              " queued URL(s) recorded as robots_unreachable");
  wake_.notify();
}

}  // namespace crawler
