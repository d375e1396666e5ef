// URL parsing and resolution as browsers do it (WHATWG URL Standard), and the
// crawl key built on it. A crawl key is an absolute http(s) URL: scheme and
// host lower-case (IDNA hosts in Punycode, IPv4 dotted), default port and
// fragment dropped, dot segments removed, path and query percent-encoded
// (upper-case hex, existing %xx kept), userinfo dropped. libcurl's CURLU must accept every key,
// since the fetcher hands it to curl. Nothing here throws but std::bad_alloc.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crawler::parsers {

/// Resolves `href` against the absolute URL `base` and returns its crawl key.
/// Empty when either does not parse or the result is not http(s) (mailto:,
/// javascript:, ...) or libcurl would refuse it.
std::optional<std::string> resolve_url(std::string_view base, std::string_view href);

/// The crawl key of an absolute URL; empty when it is not a valid http(s) URL.
std::optional<std::string> normalize_url(std::string_view url);

/// Serialized host of an absolute URL (lower-case, Punycode, IPv6 in
/// brackets), without port; empty if it has none or does not parse.
std::string url_host(std::string_view url);

/// Host of a URL that normalize_url or resolve_url produced, found without
/// re-parsing (the hot path: every link of every page asks for it).
std::string_view normalized_host(std::string_view normalized_url);

/// Origin ("scheme://host[:port]") of a URL that normalize_url or
/// resolve_url produced, found without re-parsing.
std::string_view normalized_origin(std::string_view normalized_url);

/// A URL as a browser sees it, for any scheme.
struct ParsedUrl {
  /// The WHATWG serialization (fragment included); empty when error is set.
  std::string href;
  /// The crawl key (see resolve_url); absent for non-http(s) URLs.
  std::optional<std::string> key;
  /// Why the URL (or the base) does not parse; empty on success.
  std::string error;
};

/// Parses `input` against `base` (when given) as the WHATWG URL parser does.
/// A base that does not parse gives an error starting "invalid base URL".
ParsedUrl parse_url_for_display(std::optional<std::string_view> base, std::string_view input);

}  // namespace crawler::parsers
