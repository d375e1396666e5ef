// SitemapSource: see sitemap_source.hpp.
// which sitemaps an origin gets (robots.txt's
// Sitemap lines; /sitemap.xml where there is no robots.txt) and what
// reading one does: an index queues its sitemaps, a URL set offers its URLs
// and queues them durably. An origin's budget of sitemap documents is taken
// when a document is offered (queued), not when it is read: an origin never
// has more than kMaxSitemapsPerOrigin of them queued and fetched in a run,
// however its indexes nest, and one past the budget is skipped as
// "sitemap_document_budget".
#include "crawler/engine/sitemap_source.hpp"

#include <algorithm>

#include "crawler/admission/redirect_hop.hpp"
#include "crawler/async/offload.hpp"
#include "crawler/engine/steps/offer_link.hpp"
#include "parsers/crawl_url.hpp"
#include "parsers/sitemap.hpp"

namespace crawler {

// Once per origin: the sitemaps robots.txt lists. A site without a
// robots.txt may still have /sitemap.xml, so that one is tried; a site
// whose robots.txt names no sitemap is taken at its word: the guess would
// cost every such origin a request and a politeness delay, mostly for a
// 404. Sitemaps are fetched through the frontier: they wait their turn
// like pages.
void SitemapSource::start(std::string_view origin, const std::vector<std::string>& listed,
                          bool has_robots_txt) {
  if (!context_.options.use_sitemaps || context_.stopping ||
      (context_.options.max_depth && *context_.options.max_depth < 1))
    return;
  if (!context_.admission.first_look_at_sitemaps(origin)) return;
  // A robots.txt may list thousands; offer_sitemap refuses those past the budget.
  std::vector<std::string> queue(listed.begin(), listed.end());
  if (queue.empty() && !has_robots_txt) queue.push_back(std::string(origin) + "/sitemap.xml");
  for (const auto& sitemap : queue)
    if (auto url = parsers::CrawlUrl::normalize(sitemap)) offer(std::move(*url));
}

// A sitemap is a request like a page: admitted (scope, patterns,
// addresses, its origin's document budget) before it is queued, and paid
// for when it is queued (a duplicate costs nothing).
void SitemapSource::offer(parsers::CrawlUrl url) {
  if (context_.frontier.seen(url.text()) == Seen::kYes) return;
  if (context_.admission.admit_sitemap(url) != SkipReason::kNone) return;
  if (context_.frontier.add_sitemap(url) == AddOutcome::kQueued)
    context_.admission.sitemap_queued(url);
}

// An index queues the sitemaps it names (a bounded number per origin; an
// index that names itself is caught by the seen set); a URL set offers its
// URLs as links of depth 1. A malformed document keeps what parsed first.
async::Task<void> SitemapSource::read(const FrontierUrl& url, async::FetchResult& result) {
  auto parse = [&result] { return parsers::parse_sitemap(result.body); };
  parsers::Sitemap sitemap = co_await async::offload(context_.loop.get(), parse);
  ++context_.summary.sitemaps;
  // The URLs it queues are written down like a page's links, so a crawl
  // stopped before it reached them still has them.
  storage::PageRecord queued;
  queued.queue_only = true;
  queued.queued_depth = 1;
  queued.queued_source = storage::QueueSource::kSitemap;
  std::string_view origin = url.origin();
  for (const auto& entry : sitemap.entries) {
    auto loc = parsers::CrawlUrl::resolve(result.final_url, entry.loc);
    if (!loc || context_.frontier.seen(loc->text()) == Seen::kYes) continue;
    if (sitemap.kind == parsers::SitemapKind::kIndex) {
      offer(std::move(*loc));
      continue;
    }
    // Counted as offered: duplicates and refusals do not use the budget up.
    if (context_.admission.sitemap_entries_left(origin) && offer_link(context_, *loc, 1)) {
      context_.admission.sitemap_entry_queued(origin);
      ++context_.summary.sitemap_urls;
      queued.queued.push_back(std::move(*loc).release());
    }
  }
  if (!queued.queued.empty()) context_.writer.add(std::move(queued));
}

// A redirect is a new sitemap request, admitted and counted like any other;
// five hops at most, as RFC 9309 2.3.1.2 asks of robots.txt.
void SitemapSource::follow_redirect(const FrontierUrl& url, const async::FetchResult& result) {
  constexpr std::size_t kMaxSitemapRedirects = 5;
  RedirectHop hop = judge_redirect(url.url.text(), result.header("location"), url.redirect_chain,
                                   kMaxSitemapRedirects);
  if (hop.verdict != HopVerdict::kFollow) return;
  parsers::CrawlUrl& target = *hop.target;
  if (context_.frontier.seen(target.text()) == Seen::kYes) return;
  if (context_.admission.admit_sitemap(target) != SkipReason::kNone) return;
  if (context_.frontier.add_redirect(target, url) == AddOutcome::kQueued)
    context_.admission.sitemap_queued(target);
}

}  // namespace crawler
