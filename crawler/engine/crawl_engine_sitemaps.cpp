// CrawlEngine, sitemaps: which sitemaps an origin gets (robots.txt's
// Sitemap lines; /sitemap.xml where there is no robots.txt) and what
// reading one does: an index queues its sitemaps, a URL set offers its URLs
// and queues them durably. An origin's budget of sitemap documents is taken
// when a document is offered (queued), not when it is read: an origin never
// has more than kMaxSitemapsPerOrigin of them queued and fetched in a run,
// however its indexes nest, and one past the budget is skipped as
// "sitemap_document_budget".
#include <algorithm>

#include "crawler/async/offload.hpp"
#include "crawler/engine/crawl_engine.hpp"
#include "parsers/sitemap.hpp"
#include "parsers/url.hpp"

namespace crawler {

// Once per origin: the sitemaps robots.txt lists. A site without a
// robots.txt may still have /sitemap.xml, so that one is tried; a site
// whose robots.txt names no sitemap is taken at its word: the guess would
// cost every such origin a request and a politeness delay, mostly for a
// 404. Sitemaps are fetched through the frontier: they wait their turn
// like pages.
void CrawlEngine::start_sitemaps(std::string_view origin, const std::vector<std::string>& listed,
                                 bool has_robots_txt) {
  if (!options_.use_sitemaps || stopping_ || (options_.max_depth && *options_.max_depth < 1))
    return;
  if (!admission_.first_look_at_sitemaps(origin)) return;
  // A robots.txt may list thousands; offer_sitemap refuses those past the budget.
  std::vector<std::string> queue(listed.begin(), listed.end());
  if (queue.empty() && !has_robots_txt) queue.push_back(std::string(origin) + "/sitemap.xml");
  for (const auto& sitemap : queue)
    if (auto url = parsers::normalize_url(sitemap)) offer_sitemap(*url);
}

// A sitemap is a request like a page: admitted (scope, patterns,
// addresses, its origin's document budget) before it is queued, and paid
// for when it is queued (a duplicate costs nothing).
void CrawlEngine::offer_sitemap(const std::string& url) {
  if (frontier_.seen(url) == Seen::kYes) return;
  if (admission_.admit_sitemap(url) != SkipReason::kNone) return;
  if (frontier_.add_sitemap(url) == AddOutcome::kQueued) admission_.sitemap_queued(url);
}

// An index queues the sitemaps it names (a bounded number per origin; an
// index that names itself is caught by the seen set); a URL set offers its
// URLs as links of depth 1. A malformed document keeps what parsed first.
async::Task<void> CrawlEngine::read_sitemap(const FrontierUrl& url, async::FetchResult& result) {
  auto parse = [&result] { return parsers::parse_sitemap(result.body); };
  parsers::Sitemap sitemap = co_await async::offload(loop_.get(), parse);
  ++summary_.sitemaps;
  // The URLs it queues are written down like a page's links, so a crawl
  // stopped before it reached them still has them.
  storage::PageRecord queued;
  queued.queue_only = true;
  queued.queued_depth = 1;
  queued.queued_source = storage::QueueSource::kSitemap;
  std::string origin(parsers::normalized_origin(url.url));
  for (const auto& entry : sitemap.entries) {
    auto loc = parsers::resolve_url(result.final_url, entry.loc);
    if (!loc || frontier_.seen(*loc) == Seen::kYes) continue;
    if (sitemap.kind == parsers::SitemapKind::kIndex) {
      offer_sitemap(*loc);
      continue;
    }
    // Counted as offered: duplicates and refusals do not use the budget up.
    if (admission_.sitemap_entries_left(origin) && offer_link(*loc, 1)) {
      admission_.sitemap_entry_queued(origin);
      ++summary_.sitemap_urls;
      queued.queued.push_back(std::move(*loc));
    }
  }
  if (!queued.queued.empty()) writer_.add(std::move(queued));
}

// A redirect is a new sitemap request, admitted and counted like any other;
// five hops at most, as RFC 9309 2.3.1.2 asks of robots.txt.
void CrawlEngine::follow_sitemap_redirect(const FrontierUrl& url,
                                          const async::FetchResult& result) {
  constexpr std::size_t kMaxSitemapRedirects = 5;
  if (url.redirect_chain.size() >= kMaxSitemapRedirects) return;
  auto target = parsers::resolve_url(url.url, result.header("location"));
  if (!target) return;
  if (frontier_.seen(*target) == Seen::kYes) return;
  if (admission_.admit_sitemap(*target) != SkipReason::kNone) return;
  if (frontier_.add_redirect(*target, url) == AddOutcome::kQueued)
    admission_.sitemap_queued(*target);
}

}  // namespace crawler
