// RetryStep: transient failures (no connection, a timeout, 429, 5xx) are
// tried again after the origin's back-off, within --retries; while the
// crawl stops, one with tries left is left for the next run.
#pragma once

#include <optional>

#include "crawler/async/fetch.hpp"
#include "crawler/engine/steps/visit_context.hpp"

namespace crawler {

class RetryStep {
 public:
  explicit RetryStep(VisitContext& context) : context_(context) {}

  /// Empty: the outcome is final, record it. Else the URL went back to the
  /// frontier (kRetried) or is left for the next run (kAbandoned).
  std::optional<VisitOutcome> retry_later(FrontierUrl& url, const async::FetchResult& result);

 private:
  VisitContext& context_;
};

/// Worth another try later: the server or the network may recover.
bool is_transient(const async::FetchResult& result);

}  // namespace crawler
