// RobotsStep: robots.txt (RFC 9309) before a fetch. The origin's rules
// come from the RobotsCache (fetched once, kept with the crawl); a parsed
// file's Crawl-delay spaces the origin's fetches; its Sitemap lines start
// the origin's sitemaps. An unreachable robots.txt is the origin's trouble,
// not the URL's: its URLs wait together for the next attempt, and after
// the last one the origin is given up and all of them are settled at once.
#pragma once

#include "crawler/admission/robots_cache.hpp"
#include "crawler/async/task.hpp"
#include "crawler/engine/origin_settler.hpp"
#include "crawler/engine/sitemap_source.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "storage/page_record.hpp"

namespace crawler {

enum class RobotsVerdict {
  kAllowed,    // fetch it
  kRefused,    // disallowed, or its origin given up: the record says why; store it
  kWaiting,    // back in the frontier until robots.txt is asked again
  kTurnTaken,  // allowed, but robots.txt was fetched in this URL's turn: the caller puts it back
  kAbandoned,  // the crawl is stopping: left for the next run
};

class RobotsStep {
 public:
  RobotsStep(VisitContext& context, RobotsCache& robots, SitemapSource& sitemaps,
             OriginSettler& settler)
      : context_(context), robots_(robots), sitemaps_(sitemaps), settler_(settler) {}

  async::Task<RobotsVerdict> check(FrontierUrl& url, storage::PageRecord& record);

 private:
  void learn(std::string_view origin, RobotsOutcome& robots);
  RobotsVerdict unreachable(FrontierUrl& url, const RobotsOutcome& robots,
                            storage::PageRecord& record);

  VisitContext& context_;
  RobotsCache& robots_;
  SitemapSource& sitemaps_;
  OriginSettler& settler_;
};

}  // namespace crawler
