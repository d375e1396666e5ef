// URL resolution and crawl normalization, on libcurl's CURLU parser (no
// network: only the URL API). A normalized URL is absolute http(s), with
// scheme and host lower-cased, the default port and the fragment dropped and
// dot segments removed; it is the key the frontier deduplicates on.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crawler::parsers {

/// Resolves `href` against the absolute URL `base` and normalizes the result.
/// Empty when href does not parse or is not http(s) (mailto:, javascript:, ...).
std::optional<std::string> resolve_url(std::string_view base, std::string_view href);

/// Normalizes an absolute URL; empty when it is not a valid http(s) URL.
std::optional<std::string> normalize_url(std::string_view url);

/// Lower-case host of an absolute URL, without port; empty if it has none.
std::string url_host(std::string_view url);

/// Host of a URL that normalize_url or resolve_url produced, found without
/// re-parsing (the hot path: every link of every page asks for it).
std::string_view normalized_host(std::string_view normalized_url);

}  // namespace crawler::parsers
