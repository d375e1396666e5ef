// OriginSettler: see origin_settler.hpp.
#include "crawler/engine/origin_settler.hpp"

#include <utility>
#include <vector>

#include "crawler/async/offload.hpp"
#include "crawler/base/log.hpp"
#include "crawler/frontier/seen_set.hpp"

namespace crawler {

OriginSettler::OriginSettler(VisitContext& context, storage::CrawlStore& store, RecordSink& sink,
                             const RevisitPolicy& revisits, Hooks hooks)
    : context_(context),
      store_(store),
      sink_(sink),
      revisits_(revisits),
      hooks_(std::move(hooks)) {}

// A page that was never fetched for want of robots.txt. It is done for
// this run; `serve` comes back to it as to a page first visited now.
storage::PageRecord OriginSettler::record(const FrontierUrl& url, const std::string& detail) const {
  storage::PageRecord record = sink_.start(url);
  record.error = "robots_unreachable";
  record.error_detail = "robots.txt unreachable: " + detail;
  if (!url.revisit) record.revisit_after_s = revisits_.first_interval_s();
  return record;
}

void OriginSettler::give_up(std::string_view origin, const std::string& detail) {
  auto [it, fresh] = settling_.try_emplace(std::string(origin), false);
  if (!fresh) {
    it->second = true;  // the settle running now goes round once more
    return;
  }
  settlers_.spawn(settle(it->first, detail));
}

async::Task<void> OriginSettler::settle(std::string origin, std::string detail) {
  Frontier& frontier = context_.frontier;
  std::size_t settled = 0;
  try {
    auto settle_one = [this, &settled, &detail](const FrontierUrl& url) {
      ++context_.summary.robots_unreachable;
      ++settled;
      if (url.revisit)
        context_.writer.after_pending(
            [this, done = url.url.text()] { hooks_.revisit_settled(done); });
      sink_.store(record(url, detail), url.origin());
    };
    do {
      settling_[origin] = false;
      // Memory first: once those records are written, the database's
      // queued rows of the origin are the ones memory did not hold. Then
      // the database, a chunk at a time, each chunk written before the next
      // is read.
      std::vector<FrontierUrl> batch = frontier.take_queued(origin);
      bool last = false;
      for (;;) {
        std::vector<std::uint64_t> prints;
        for (const FrontierUrl& url : batch) {
          settle_one(url);
          prints.push_back(SeenSet::fingerprint(url.url.text()));
        }
        co_await context_.writer.committed();
        for (std::uint64_t print : prints) frontier.committed(print);
        if (context_.stopping || last) break;
        auto read = [this, &origin] { return store_.oldest_queued(origin, kChunk); };
        batch.clear();
        {
          // The read may see rows as they were before commits that land
          // while it runs: those URLs stay held until their rows are sorted.
          Frontier::Reading reading = frontier.reading();
          std::vector<storage::QueuedUrl> rows = co_await async::offload(context_.loop.get(), read);
          last = rows.size() < kChunk;
          for (storage::QueuedUrl& row : rows) {
            // Held: in memory or in flight now (a refill read it meanwhile):
            // it is settled there, when its turn comes.
            if (!frontier.hold(row.url)) continue;
            batch.push_back({parsers::CrawlUrl::from_key(std::move(row.url)),
                             row.depth,
                             UrlKind::kPage,
                             0,
                             {},
                             nullptr});
          }
        }
        if (batch.empty()) break;  // every row read is held elsewhere
      }
    } while (settling_[origin] && !context_.stopping);
  } catch (const std::exception& e) {
    // Left queued: the next run asks its robots.txt again.
    log::error("settling the URLs of " + origin + ": " + e.what());
  }
  settling_.erase(origin);
  frontier.read_again(origin);  // URLs it spilled meanwhile are read, and settled in turn
  if (settled > 0)
    log::info("gave up " + origin + ": " + std::to_string(settled) +
              " queued URL(s) recorded as robots_unreachable");
  hooks_.settled();
}

}  // namespace crawler
