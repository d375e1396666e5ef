// PageVisit: one URL's visit as a chain of named steps, read top to bottom:
// the server's address (ResolveStep), robots.txt (RobotsStep), the request and its response
// (FetchStep), retry and back-off (RetryStep), then for a page: the revisit's verdict
// (RevisitPolicy), a redirect (RedirectStep) or the HTML (HtmlStep), and
// the record (RecordSink); for a sitemap: its entries (SitemapSource). A
// refused or failed URL is found by the step that stopped it.
#pragma once

#include <optional>
#include <string>

#include "crawler/admission/admission_gate.hpp"
#include "crawler/admission/robots_cache.hpp"
#include "crawler/async/task.hpp"
#include "crawler/engine/origin_settler.hpp"
#include "crawler/engine/sitemap_source.hpp"
#include "crawler/engine/steps/fetch_step.hpp"
#include "crawler/engine/steps/html_step.hpp"
#include "crawler/engine/steps/record_sink.hpp"
#include "crawler/engine/steps/redirect_step.hpp"
#include "crawler/engine/steps/resolve_step.hpp"
#include "crawler/engine/steps/retry_step.hpp"
#include "crawler/engine/steps/revisit_policy.hpp"
#include "crawler/engine/steps/robots_step.hpp"
#include "crawler/engine/steps/visit_context.hpp"

namespace crawler {

class PageVisit {
 public:
  PageVisit(VisitContext& context, ResolveStep& resolve, AdmissionGate& gate, RobotsCache& robots,
            SitemapSource& sitemaps, OriginSettler& settler, RecordSink& sink,
            const RevisitPolicy& revisits);
  PageVisit(const PageVisit&) = delete;
  PageVisit& operator=(const PageVisit&) = delete;

  async::Task<VisitOutcome> run(FrontierUrl& url);

  /// Parses running stop at once (the process is ending).
  void cancel_parses() { html_.cancel(); }

 private:
  /// What the steps before the fetch decided: the visit's outcome when they
  /// stopped it, else the address the fetch goes to.
  struct Cleared {
    std::optional<VisitOutcome> stopped;
    std::string address;
  };
  async::Task<Cleared> clear(FrontierUrl& url);
  async::Task<VisitOutcome> read_page(FrontierUrl& url, const std::string& address,
                                      async::FetchResult& result);
  async::Task<VisitOutcome> read_sitemap(FrontierUrl& url, async::FetchResult& result);

  VisitContext& context_;
  ResolveStep& resolve_;  // the engine's: it also resolves origins before they are scheduled
  RobotsStep robots_;
  FetchStep fetch_;
  RetryStep retry_;
  RedirectStep redirect_;
  HtmlStep html_;
  SitemapSource& sitemaps_;
  RecordSink& sink_;
  const RevisitPolicy& revisits_;
};

}  // namespace crawler
