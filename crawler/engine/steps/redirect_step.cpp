// RedirectStep: see redirect_step.hpp.
#include "crawler/engine/steps/redirect_step.hpp"

#include <algorithm>
#include <string>

#include "crawler/admission/redirect_hop.hpp"

namespace crawler {

void RedirectStep::follow(const FrontierUrl& url, const async::FetchResult& result,
                          storage::PageRecord& record) {
  RedirectHop hop =
      judge_redirect(url.url.text(), result.header("location"), url.redirect_chain,
                     static_cast<std::size_t>(std::max(0, context_.options.max_redirects)));
  switch (hop.verdict) {
    case HopVerdict::kBadLocation:
      record.error = "bad_redirect";
      record.error_detail = "Location: " + std::string(result.header("location"));
      return;
    case HopVerdict::kLoop:
      record.error = "redirect_loop";
      break;
    case HopVerdict::kTooMany:
      record.error = "too_many_redirects";
      break;
    case HopVerdict::kFollow:
      break;
  }
  parsers::CrawlUrl& target = *hop.target;
  record.redirect_to = target.text();
  if (hop.verdict != HopVerdict::kFollow) return;
  Frontier& frontier = context_.frontier;
  bool maybe_new = frontier.seen(target.text()) == Seen::kNo || !frontier.seen_complete();
  SkipReason reason = context_.admission.admit(target, url.depth, RequestKind::kPage, maybe_new);
  if (reason == SkipReason::kInternalAddress || reason == SkipReason::kBadScheme) {
    // Not a matter of scope: the server tried to send the crawler somewhere it must not go.
    record.error = "blocked";
    record.error_detail =
        "redirect refused (" + std::string(to_string(reason)) + "): " + target.text();
  }
  if (reason != SkipReason::kNone) return;
  std::string queued = target.text();
  if (AddOutcome added = frontier.add_redirect(std::move(target), url);
      added == AddOutcome::kQueued || added == AddOutcome::kUncertain) {
    record.queued.push_back(std::move(queued));
    record.queued_depth = url.depth;
    record.queued_source = storage::QueueSource::kRedirect;
  }
}

}  // namespace crawler
