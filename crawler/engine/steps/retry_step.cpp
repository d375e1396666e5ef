// RetryStep: see retry_step.hpp.
#include "crawler/engine/steps/retry_step.hpp"

#include <utility>

namespace crawler {

bool is_transient(const async::FetchResult& result) {
  using async::FetchError;
  switch (result.error) {
    case FetchError::kNone:
      return result.status == 429 || result.status == 500 || result.status == 502 ||
             result.status == 503 || result.status == 504;
    case FetchError::kResolve:
    case FetchError::kConnect:
    case FetchError::kTimeout:
    case FetchError::kReset:
    case FetchError::kTruncated:
    case FetchError::kBadResponse:
      return true;
    default:
      return false;
  }
}

std::optional<VisitOutcome> RetryStep::retry_later(FrontierUrl& url,
                                                   const async::FetchResult& result) {
  Frontier& frontier = context_.frontier;
  if (!is_transient(result)) {
    if (result.ok()) frontier.host_succeeded(url.origin());
    return std::nullopt;
  }
  std::optional<Millis> retry_after;
  if (result.status == 429 || result.status == 503) retry_after = result.retry_after();
  Millis rest = frontier.host_failed(url.origin(), Clock::now(), retry_after);
  if (url.attempt >= context_.options.max_retries) return std::nullopt;
  if (context_.stopping) return VisitOutcome::kAbandoned;
  ++context_.summary.retries;
  frontier.retry(std::move(url), Clock::now() + rest);
  return VisitOutcome::kRetried;
}

}  // namespace crawler
