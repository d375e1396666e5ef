// OriginSettler: when an origin's robots.txt stayed unreachable for every
// attempt the run allows, each URL of it that is queued, in memory or in
// the database, is settled as robots_unreachable, in batches, without a
// fetch and without waiting for politeness delays. What must stay true: no
// URL gets two records (the frontier's held set guards the URLs being
// settled, as it guards those in flight), and the crawl does not end while
// a settle is still writing (busy()).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crawler/async/task.hpp"
#include "crawler/async/task_scope.hpp"
#include "crawler/engine/steps/record_sink.hpp"
#include "crawler/engine/steps/revisit_policy.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "storage/crawl_store.hpp"

namespace crawler {

class OriginSettler {
 public:
  struct Hooks {
    std::function<void(const std::string& url)> revisit_settled;  // a due page got its record
    std::function<void()> settled;                                // the scheduler may look again
  };
  OriginSettler(VisitContext& context, storage::CrawlStore& store, RecordSink& sink,
                const RevisitPolicy& revisits, Hooks hooks);
  OriginSettler(const OriginSettler&) = delete;
  OriginSettler& operator=(const OriginSettler&) = delete;

  /// A page of a given-up origin: the record it gets instead of a fetch.
  storage::PageRecord record(const FrontierUrl& url, const std::string& detail) const;
  /// Settles every queued URL of `origin` (again, if more came meanwhile).
  void give_up(std::string_view origin, const std::string& detail);
  bool busy() const { return !settling_.empty(); }
  async::Task<void> join() { return settlers_.join(); }

 private:
  // Queued URLs read back from the database at a time.
  static constexpr std::size_t kChunk = 5'000;

  async::Task<void> settle(std::string origin, std::string detail);

  VisitContext& context_;
  storage::CrawlStore& store_;
  RecordSink& sink_;
  const RevisitPolicy& revisits_;
  Hooks hooks_;
  async::TaskScope settlers_;  // one settle per given-up origin at a time
  // Origins being settled; true: more of its URLs came meanwhile, settle again.
  std::unordered_map<std::string, bool> settling_;
};

}  // namespace crawler
