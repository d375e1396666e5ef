// QueueAdmission: see queue_admission.hpp.
#include "crawler/admission/queue_admission.hpp"

namespace crawler {

namespace {

// Origins whose sitemaps are counted (see HostTally): a forgotten one only
// costs a lookup, as its sitemaps are in the seen set.
constexpr std::size_t kCountedOrigins = std::size_t{1} << 18;

}  // namespace

QueueAdmission::QueueAdmission(const AdmissionGate& gate, UrlFilter& filter,
                               std::optional<int> max_depth,
                               std::map<std::string, std::size_t>& skipped)
    : gate_(gate),
      filter_(filter),
      max_depth_(max_depth),
      skipped_(skipped),
      sitemaps_per_origin_(kCountedOrigins, kMaxSitemapsPerOrigin),
      sitemap_entries_per_origin_(kCountedOrigins, kMaxSitemapEntriesPerOrigin) {}

SkipReason QueueAdmission::admit(const parsers::CrawlUrl& url, int depth, RequestKind kind,
                                 bool maybe_new) {
  SkipReason reason = gate_.check(url, kind);
  if (reason == SkipReason::kNone && !within_depth(depth)) reason = SkipReason::kTooDeep;
  if (reason == SkipReason::kNone && maybe_new) reason = take_budgets(url);
  if (reason != SkipReason::kNone) {
    count(reason);
    skips_.note(url.text(), reason, kind, depth);
  }
  return reason;
}

SkipReason QueueAdmission::admit_sitemap(const parsers::CrawlUrl& url) {
  SkipReason reason = gate_.check(url, RequestKind::kSitemap);
  if (reason == SkipReason::kNone &&
      sitemaps_per_origin_.count(url.origin()) >= kMaxSitemapsPerOrigin)
    reason = SkipReason::kSitemapDocuments;
  if (reason != SkipReason::kNone) {
    count(reason);
    skips_.note(url.text(), reason, RequestKind::kSitemap, 0);
  }
  return reason;
}

bool QueueAdmission::first_look_at_sitemaps(std::string_view origin) {
  if (sitemaps_per_origin_.contains(origin)) return false;
  sitemaps_per_origin_.add(origin, 0);
  return true;
}

void QueueAdmission::sitemap_queued(const parsers::CrawlUrl& url) {
  sitemaps_per_origin_.add(url.origin());
}

bool QueueAdmission::sitemap_entries_left(std::string_view origin) {
  if (sitemap_entries_per_origin_.count(origin) < kMaxSitemapEntriesPerOrigin) return true;
  count(SkipReason::kSitemapEntries);
  return false;
}

void QueueAdmission::sitemap_entry_queued(std::string_view origin) {
  sitemap_entries_per_origin_.add(origin);
}

void QueueAdmission::count(SkipReason reason, std::size_t n) {
  skipped_[std::string(to_string(reason))] += n;
}

// A new URL's share of its host's budgets: origins, then pages.
SkipReason QueueAdmission::take_budgets(const parsers::CrawlUrl& url) {
  if (!filter_.take_origin(url)) return SkipReason::kTooManyOrigins;
  if (!filter_.take_host_budget(url.host())) return SkipReason::kHostBudget;
  return SkipReason::kNone;
}

}  // namespace crawler
