// Why a URL was not queued or not fetched, and what a request is for: the
// vocabulary every admission rule answers in. Counted by name in the
// crawl's summary (skipped.<name>), so the names are stable.
#pragma once

#include <string_view>

namespace crawler {

enum class SkipReason {
  kNone,
  kOutOfScope,
  kExcluded,     // matched an exclude pattern
  kNotIncluded,  // include patterns given, none matched
  kUrlTooLong,
  kRepeatedSegments,
  kPathTooDeep,
  kTooManyParams,
  kHostBudget,  // the host's page budget is spent
  // The admission gate's own (see AdmissionGate):
  kBadScheme,        // not http or https
  kUserinfo,         // credentials in the URL
  kInternalAddress,  // a non-public address, or a localhost name, off the seeds' origins
  kTooManyLinks,     // past the page's link cap (--max-links-per-page)
  kTooManyOrigins,   // a host name with kMaxOriginsPerHost origins (ports, schemes) already
  kTooDeep,          // past --max-depth
  // Sitemaps' own budgets, per origin:
  kSitemapEntries,    // sitemap entries (page URLs) past the origin's budget
  kSitemapDocuments,  // sitemap documents past the origin's budget, counted when offered
};

std::string_view to_string(SkipReason reason);

/// What a request is for; a redirect hop keeps the kind it continues.
enum class RequestKind { kPage, kRobots, kSitemap };

}  // namespace crawler
