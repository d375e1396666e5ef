// VisitContext: what the steps of a visit work with. A step gets this, and
// never the engine: adding a policy is adding a step or an admission rule,
// not a branch in a big class.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "config/crawl_options.hpp"
#include "crawler/admission/queue_admission.hpp"
#include "crawler/async/loop.hpp"
#include "crawler/engine/crawl_summary.hpp"
#include "crawler/engine/page_writer.hpp"
#include "crawler/frontier/frontier.hpp"

namespace crawler {

struct VisitContext {
  async::Loop& loop;
  const config::CrawlOptions& options;
  std::string_view agent;  // our robots product token
  Frontier& frontier;
  QueueAdmission& admission;
  PageWriter& writer;
  CrawlSummary& summary;
  const bool& stopping;  // the crawl takes no new work: leave what can wait for the next run
};

/// How a visit ended. kDone: finished (a record was written, or there was
/// nothing to write); kRetried: back in the frontier for later;
/// kAbandoned: the crawl is stopping and the URL was not finished: no
/// record, so it stays queued for the next run.
enum class VisitOutcome { kDone, kRetried, kAbandoned };

}  // namespace crawler
