// QueueAdmission: queue-time policy in one place. Whether a URL found on
// the way (a link, a redirect target, a sitemap entry) may be queued: the
// gate's rules (scheme, credentials, scope, patterns, traps, internal
// addresses), the depth limit, then the budgets of its host (origins per
// host name, pages per host); for sitemaps, their origin's budgets of
// documents and entries. Every refusal is counted by its reason, so a
// skipped URL is found by the rule that stopped it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "crawler/admission/admission_gate.hpp"
#include "crawler/admission/host_tally.hpp"
#include "crawler/admission/skip_log.hpp"
#include "crawler/admission/skip_reason.hpp"
#include "crawler/admission/url_filter.hpp"

namespace crawler {

class QueueAdmission {
 public:
  /// `skipped`: the crawl's counts of refusals by reason name.
  QueueAdmission(const AdmissionGate& gate, UrlFilter& filter, std::optional<int> max_depth,
                 std::map<std::string, std::size_t>& skipped);
  QueueAdmission(const QueueAdmission&) = delete;
  QueueAdmission& operator=(const QueueAdmission&) = delete;

  /// kNone when `url`, found at `depth`, may be queued; its host's budgets
  /// are then taken if `maybe_new` (a URL surely seen before costs none).
  SkipReason admit(const parsers::CrawlUrl& url, int depth, RequestKind kind, bool maybe_new);
  /// The same for a crawl key held as a string (tests).
  SkipReason admit(const std::string& url, int depth, RequestKind kind, bool maybe_new) {
    return admit(parsers::CrawlUrl::from_key(url), depth, kind, maybe_new);
  }
  /// Whether the depth limit lets a URL found at `depth` be queued.
  bool within_depth(int depth) const { return !max_depth_ || depth <= *max_depth_; }

  /// kNone when the sitemap document `url` may be queued: the gate's rules
  /// and its origin's document budget, which sitemap_queued takes (so a
  /// duplicate costs nothing).
  SkipReason admit_sitemap(const parsers::CrawlUrl& url);
  SkipReason admit_sitemap(const std::string& url) {
    return admit_sitemap(parsers::CrawlUrl::from_key(url));
  }
  /// True the first time it is asked for `origin`: its sitemaps are looked for once.
  bool first_look_at_sitemaps(std::string_view origin);
  void sitemap_queued(const parsers::CrawlUrl& url);
  void sitemap_queued(const std::string& url) { sitemap_queued(parsers::CrawlUrl::from_key(url)); }
  /// Whether `origin`'s sitemaps may offer another entry (counted when not);
  /// sitemap_entry_queued takes it.
  bool sitemap_entries_left(std::string_view origin);
  void sitemap_entry_queued(std::string_view origin);

  /// Counts `n` URLs refused for `reason` where they were found (the
  /// parse's caps on links).
  void count(SkipReason reason, std::size_t n = 1);
  /// Examples of the URLs refused, by reason and by URL (bounded).
  const SkipLog& skips() const { return skips_; }

  // Sitemap documents offered per origin (indexes included): generous for
  // real sites, and a ceiling for recursive or hostile indexes.
  static constexpr std::uint32_t kMaxSitemapsPerOrigin = 64;
  // Sitemap entries (URLs) offered per origin, over all its sitemaps: what
  // a sitemap costs is its entries, not its documents.
  static constexpr std::uint32_t kMaxSitemapEntriesPerOrigin = 200'000;

 private:
  SkipReason take_budgets(const parsers::CrawlUrl& url);

  const AdmissionGate& gate_;
  UrlFilter& filter_;
  std::optional<int> max_depth_;
  std::map<std::string, std::size_t>& skipped_;
  HostTally sitemaps_per_origin_;         // sitemap documents queued
  HostTally sitemap_entries_per_origin_;  // and the entries they offered
  SkipLog skips_;
};

}  // namespace crawler
