// HtmlStep: see html_step.hpp.
#include "crawler/engine/steps/html_step.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "crawler/async/offload.hpp"
#include "crawler/engine/steps/offer_link.hpp"
#include "parsers/robots_txt.hpp"

namespace crawler {

namespace {

// HTML bytes in the parse pool at once: gumbo takes up to ~30 times its
// input, so two full-size pages (HtmlLimits::max_html_bytes) at a time.
constexpr std::size_t kMaxParseBytes = 4 << 20;

parsers::HtmlLimits limits_from(const config::CrawlOptions& options,
                                const std::atomic<bool>& cancel) {
  parsers::HtmlLimits limits;
  limits.max_links = options.max_links_per_page;
  limits.max_url_length = options.max_url_length;
  limits.cpu_budget = Millis(options.parse_budget_ms);
  limits.cancel = &cancel;
  return limits;
}

// The page's own directives and the X-Robots-Tag headers meant for us:
// "otherbot: noindex" applies to otherbot only; a bare list to everyone.
parsers::RobotsDirectives directives(const parsers::HtmlPage& page,
                                     const async::FetchResult& result, std::string_view agent) {
  parsers::RobotsDirectives robots = page.robots;
  for (std::string_view value : result.headers_named("x-robots-tag")) {
    auto colon = value.find(':');
    if (colon != std::string_view::npos) {
      std::string_view name = value.substr(0, colon);
      if (parsers::robots_product_token(name) != agent) continue;
      value.remove_prefix(colon + 1);
    }
    auto found = parsers::parse_robots_directives(value);
    robots.noindex = robots.noindex || found.noindex;
    robots.nofollow = robots.nofollow || found.nofollow;
  }
  return robots;
}

}  // namespace

HtmlStep::HtmlStep(VisitContext& context)
    : context_(context),
      limits_(limits_from(context.options, cancelled_)),
      pool_bytes_(kMaxParseBytes) {}

async::Task<bool> HtmlStep::read(const FrontierUrl& url, async::FetchResult& result,
                                 storage::PageRecord& record) {
  async::ByteBudget::Permit permit =
      co_await pool_bytes_.acquire(std::min(result.body.size(), limits_.max_html_bytes));
  auto parse = [&result, this] {
    return parsers::parse_html_body(result.body, result.content_type, result.final_url,
                                    context_.agent, limits_);
  };
  parsers::HtmlPage page = co_await async::offload(context_.loop.get(), parse);
  switch (page.outcome) {
    case parsers::HtmlOutcome::kParsed:
      break;
    case parsers::HtmlOutcome::kBinary:
      record.error = "binary";
      record.error_detail = "served as " + result.content_type + " but binary: not parsed";
      co_return true;
    case parsers::HtmlOutcome::kOverBudget:
      // Kept with what its start held; the error says why the rest is missing.
      record.error = "parse_budget";
      record.error_detail = "parsing took over " +
                            std::to_string(context_.options.parse_budget_ms) +
                            " ms of CPU (--parse-budget): only the first 64 KiB were read";
      break;
    case parsers::HtmlOutcome::kCancelled:
      co_return false;
  }
  record.links_dropped = page.links_dropped;
  QueueAdmission& admission = context_.admission;
  if (page.links_dropped > 0) admission.count(SkipReason::kTooManyLinks, page.links_dropped);
  if (page.links_too_long > 0) admission.count(SkipReason::kUrlTooLong, page.links_too_long);

  parsers::RobotsDirectives robots = directives(page, result, context_.agent);
  record.canonical = std::move(page.canonical);
  record.noindex = robots.noindex;
  if (!robots.noindex) {
    record.title = std::move(page.title);
    record.text = std::move(page.text);
  }
  offer_links(url, page, !robots.nofollow, record);
  co_return true;
}

// Followed even while stopping: the scheduler starts nothing new, but the
// links are queued durably with this page for the next run.
void HtmlStep::offer_links(const FrontierUrl& url, parsers::HtmlPage& page, bool follow,
                           storage::PageRecord& record) {
  record.links.reserve(page.links.size());
  record.queued_depth = url.depth + 1;
  for (auto& link : page.links) {
    if (follow && (!link.nofollow || context_.options.follow_nofollow) &&
        offer_link(context_, link.url, url.depth + 1))
      record.queued.push_back(link.url.text());
    record.links.push_back(std::move(link.url).release());
  }
}

}  // namespace crawler
