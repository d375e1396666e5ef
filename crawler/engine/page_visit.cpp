// PageVisit: see page_visit.hpp.
#include "crawler/engine/page_visit.hpp"

#include <utility>

#include "parsers/html_page.hpp"

namespace crawler {

PageVisit::PageVisit(VisitContext& context, ResolveStep& resolve, AdmissionGate& gate,
                     RobotsCache& robots, SitemapSource& sitemaps, OriginSettler& settler,
                     RecordSink& sink, const RevisitPolicy& revisits)
    : context_(context),
      resolve_(resolve),
      robots_(context, robots, sitemaps, settler),
      fetch_(context, gate),
      retry_(context),
      redirect_(context),
      html_(context),
      sitemaps_(sitemaps),
      sink_(sink),
      revisits_(revisits) {}

// A coroutine's frame holds every local of its body, and the temporaries of
// each co_await, for as long as it runs: this one waits for the fetch, with
// thousands of others, so it holds no PageRecord (800 bytes). The record of
// a page stopped before its fetch lives in clear(), the record of a fetched
// page in read_page(); only the address travels from the one to the other.
async::Task<VisitOutcome> PageVisit::run(FrontierUrl& url) {
  Cleared cleared = co_await clear(url);
  if (cleared.stopped) co_return *cleared.stopped;

  async::FetchResult result = co_await fetch_.fetch(url);
  if (result.error == async::FetchError::kCancelled) co_return VisitOutcome::kAbandoned;
  if (auto decided = retry_.retry_later(url, result)) co_return *decided;
  if (url.kind != UrlKind::kPage) co_return co_await read_sitemap(url, result);
  co_return co_await read_page(url, cleared.address, result);
}

// The server's address, then robots.txt: a page either of them stops is
// recorded here.
async::Task<PageVisit::Cleared> PageVisit::clear(FrontierUrl& url) {
  storage::PageRecord record = sink_.start(url);
  bool page = url.kind == UrlKind::kPage;
  switch (co_await resolve_.check(url, record)) {
    case ResolveStep::Resolved::kAddress:
      break;
    case ResolveStep::Resolved::kFailed:
      if (page) sink_.store(std::move(record), url.origin());
      co_return Cleared{VisitOutcome::kDone, {}};
    case ResolveStep::Resolved::kAwaitingGrant:
      context_.frontier.put_back(std::move(url));
      co_return Cleared{VisitOutcome::kRetried, {}};
  }
  if (!context_.options.obey_robots) {
    sitemaps_.start(url.origin(), {}, false);
  } else {
    switch (co_await robots_.check(url, record)) {
      case RobotsVerdict::kAllowed:
        break;
      case RobotsVerdict::kRefused:
        if (page) sink_.store(std::move(record), url.origin());
        co_return Cleared{VisitOutcome::kDone, {}};
      case RobotsVerdict::kWaiting:
        co_return Cleared{VisitOutcome::kRetried, {}};
      case RobotsVerdict::kTurnTaken:
        // robots.txt was fetched just now, in this URL's turn: the URL waits
        // for the origin's next one, as a page fetched then would have.
        context_.frontier.put_back(std::move(url));
        co_return Cleared{VisitOutcome::kRetried, {}};
      case RobotsVerdict::kAbandoned:
        co_return Cleared{VisitOutcome::kAbandoned, {}};
    }
  }
  // The resolve step's answer: the only part of the record the fetch needs kept.
  co_return Cleared{std::nullopt, std::move(record.address)};
}

// A fetched page: the response, the revisit's verdict, then a redirect or
// the HTML, and the record stored.
async::Task<VisitOutcome> PageVisit::read_page(FrontierUrl& url, const std::string& address,
                                               async::FetchResult& result) {
  storage::PageRecord record = sink_.start(url);
  record.address = address;
  co_await fetch_.record_response(result, record);
  revisits_.judge(url, result, record);
  if (record.unchanged) {
    // Nothing new to read: the stored content, links and index stand.
  } else if (result.is_redirect()) {
    redirect_.follow(url, result, record);
  } else if (result.ok() && parsers::is_html_content_type(result.content_type)) {
    if (!co_await html_.read(url, result, record)) co_return VisitOutcome::kAbandoned;
  }
  if (fetch_.keeps_raw(url) && result.ok() && !record.unchanged) {
    record.raw_request = std::move(result.raw_request);
    record.raw_head = std::move(result.raw_response_head);
    record.raw_body = std::move(result.body);
  }
  sink_.store(std::move(record), url.origin());
  co_return VisitOutcome::kDone;
}

// Sitemaps are means, not pages: read them, store nothing.
async::Task<VisitOutcome> PageVisit::read_sitemap(FrontierUrl& url, async::FetchResult& result) {
  if (result.ok() && result.status == 200) co_await sitemaps_.read(url, result);
  if (result.is_redirect()) sitemaps_.follow_redirect(url, result);
  co_return VisitOutcome::kDone;
}

}  // namespace crawler
