// offer_link: see offer_link.hpp.
#include "crawler/engine/steps/offer_link.hpp"

namespace crawler {

bool offer_link(VisitContext& context, const parsers::CrawlUrl& link, int depth) {
  Seen seen = context.frontier.seen(link.text());
  if (seen == Seen::kYes) return false;
  // A "perhaps seen" link is most likely a duplicate: it does not use up the
  // budget; while the seen set loads, every unknown link pays, or a page
  // could pass the origin budget then.
  bool maybe_new = seen == Seen::kNo || !context.frontier.seen_complete();
  if (context.admission.admit(link, depth, RequestKind::kPage, maybe_new) != SkipReason::kNone)
    return false;
  AddOutcome added = context.frontier.add(link, depth);
  return added == AddOutcome::kQueued || added == AddOutcome::kUncertain;
}

}  // namespace crawler
