// Sitemaps (sitemaps.org protocol 0.9): XML urlsets and sitemap indexes,
// gzipped or not. Pure code over bytes, no network: the crawler fetches,
// resolves and normalizes. Whatever the input, work and
// memory stay bounded by SitemapLimits: gzip is inflated in chunks and never
// past max_bytes, no DTD is ever read (so no entity can expand and nothing
// external is fetched), and parsing stops after max_entries entries.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace crawler::parsers {

/// Largest sitemap, uncompressed, that sitemaps.org allows (50 MiB).
inline constexpr std::size_t kMaxSitemapBytes = 50 * 1024 * 1024;
/// Most URLs one sitemap (or sitemap index) may list, per sitemaps.org.
inline constexpr std::size_t kMaxSitemapEntries = 50'000;

/// What a sitemap document is; its root element decides.
enum class SitemapKind { kUrlSet, kIndex, kUnknown };

/// "urlset", "sitemapindex" or "unknown", for logs.
std::string_view to_string(SitemapKind kind);

/// One <url> of a urlset, or one <sitemap> of a sitemap index.
struct SitemapEntry {
  std::string loc;      ///< As written (entities decoded, whitespace trimmed); never empty.
  std::string lastmod;  ///< As written, trimmed; empty when absent.
};

/// Outcome of parsing one sitemap document.
struct Sitemap {
  SitemapKind kind = SitemapKind::kUnknown;
  /// <url><loc> for a urlset, <sitemap><loc> for a sitemap index, in document order.
  std::vector<SitemapEntry> entries;
  /// Non-empty when the document was malformed, too big or not a sitemap;
  /// entries completed before the problem are kept.
  std::string error;
  /// A limit stopped parsing (error then says which); entries are a prefix.
  bool truncated = false;
};

/// Bounds on one parse_sitemap call.
struct SitemapLimits {
  std::size_t max_bytes = kMaxSitemapBytes;  ///< Uncompressed bytes read at most.
  std::size_t max_entries = kMaxSitemapEntries;
};

/// Parses an XML sitemap body. Gzip is detected by its magic bytes (1f 8b),
/// whatever the URL or content type, and inflated with a cap of max_bytes (a
/// gzip bomb stops at the cap: truncated=true, error set). Elements match by
/// local name whatever their namespace or prefix; a <loc> counts only as a
/// direct child of <url> (urlset) or <sitemap> (index), and an item without
/// one is skipped. A document with a DOCTYPE is rejected.
Sitemap parse_sitemap(std::string_view body, SitemapLimits limits = {});

}  // namespace crawler::parsers
