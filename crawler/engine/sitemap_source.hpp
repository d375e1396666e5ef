// SitemapSource: sitemaps as a source of URLs. Which sitemaps an origin
// gets (robots.txt's Sitemap lines; /sitemap.xml where there is no
// robots.txt), each admitted and paid for from its origin's budget when
// queued; and what reading one does: an index queues its sitemaps, a URL
// set offers its URLs and queues them durably. Sitemaps are fetched
// through the frontier: they wait their turn like pages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crawler/async/fetch.hpp"
#include "crawler/async/task.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "parsers/crawl_url.hpp"

namespace crawler {

class SitemapSource {
 public:
  explicit SitemapSource(VisitContext& context) : context_(context) {}
  SitemapSource(const SitemapSource&) = delete;
  SitemapSource& operator=(const SitemapSource&) = delete;

  /// Once per origin, when its robots.txt is known (or not obeyed).
  void start(std::string_view origin, const std::vector<std::string>& listed, bool has_robots_txt);
  /// A fetched sitemap document (status 200).
  async::Task<void> read(const FrontierUrl& url, async::FetchResult& result);
  /// A sitemap that redirects: the target is a new sitemap request.
  void follow_redirect(const FrontierUrl& url, const async::FetchResult& result);

 private:
  void offer(parsers::CrawlUrl url);

  VisitContext& context_;
};

}  // namespace crawler
