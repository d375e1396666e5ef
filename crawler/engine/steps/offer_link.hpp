// offer_link: a URL found on the way (a page's link, a sitemap's entry) is
// admitted (QueueAdmission) and queued, unless the seen test knows it.
#pragma once

#include <string>

#include "crawler/engine/steps/visit_context.hpp"
#include "parsers/crawl_url.hpp"

namespace crawler {

/// True when the link is queued and must be written down with what found it.
bool offer_link(VisitContext& context, const parsers::CrawlUrl& link, int depth);

}  // namespace crawler
