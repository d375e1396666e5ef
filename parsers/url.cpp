// URL resolution and normalization: see url.hpp.
#include "parsers/url.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace crawler::parsers {

namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct CurlString {
  char* text = nullptr;
  ~CurlString() { curl_free(text); }
};

// HTML attribute values may carry surrounding whitespace, and browsers drop
// tabs and newlines anywhere in a URL.
std::string clean_href(std::string_view href) {
  std::string out;
  out.reserve(href.size());
  for (char c : href)
    if (c != '\t' && c != '\n' && c != '\r') out.push_back(c);
  auto is_space = [](unsigned char c) { return c <= ' '; };
  auto first = std::find_if_not(out.begin(), out.end(), is_space);
  auto last = std::find_if_not(out.rbegin(), out.rend(), is_space).base();
  return first < last ? std::string(first, last) : std::string();
}

// The scheme of an absolute reference ("mailto" in "mailto:x"), or empty when
// href is relative. CURLU would read "mailto:x" as a relative path.
std::string_view scheme_of(std::string_view href) {
  if (href.empty() || !std::isalpha(static_cast<unsigned char>(href[0]))) return {};
  for (size_t i = 1; i < href.size(); ++i) {
    char c = href[i];
    if (c == ':') return href.substr(0, i);
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return {};
  }
  return {};
}

bool is_http(std::string_view scheme) {
  std::string lower(scheme);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "http" || lower == "https";
}

std::optional<std::string> finish(CURLU* url) {
  CurlString scheme;
  if (curl_url_get(url, CURLUPART_SCHEME, &scheme.text, 0) != CURLUE_OK || !is_http(scheme.text))
    return std::nullopt;
  CurlString host;
  if (curl_url_get(url, CURLUPART_HOST, &host.text, 0) != CURLUE_OK || !host.text[0])
    return std::nullopt;
  std::string lower(host.text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (curl_url_set(url, CURLUPART_HOST, lower.c_str(), 0) != CURLUE_OK) return std::nullopt;
  curl_url_set(url, CURLUPART_FRAGMENT, nullptr, 0);
  CurlString out;
  if (curl_url_get(url, CURLUPART_URL, &out.text, CURLU_NO_DEFAULT_PORT) != CURLUE_OK)
    return std::nullopt;
  return std::string(out.text);
}

}  // namespace

std::optional<std::string> resolve_url(std::string_view base, std::string_view href) {
  std::string reference = clean_href(href);
  if (auto scheme = scheme_of(reference); !scheme.empty() && !is_http(scheme)) return std::nullopt;
  UrlHandle url(curl_url());
  if (!url) return std::nullopt;
  std::string base_text(base);
  if (curl_url_set(url.get(), CURLUPART_URL, base_text.c_str(), 0) != CURLUE_OK)
    return std::nullopt;
  // NOTE(curl#13394): before 8.8.0 CURLU resolves "#frag" against the base's
  // directory, not the base itself. An empty or fragment-only reference is
  // the base document, so it needs no resolving at all.
  bool same_document = reference.empty() || reference.front() == '#';
  if (!same_document &&
      curl_url_set(url.get(), CURLUPART_URL, reference.c_str(), CURLU_URLENCODE) != CURLUE_OK)
    return std::nullopt;
  return finish(url.get());
}

std::optional<std::string> normalize_url(std::string_view text) {
  std::string reference = clean_href(text);
  if (!is_http(scheme_of(reference))) return std::nullopt;
  UrlHandle url(curl_url());
  if (!url) return std::nullopt;
  if (curl_url_set(url.get(), CURLUPART_URL, reference.c_str(), CURLU_URLENCODE) != CURLUE_OK)
    return std::nullopt;
  return finish(url.get());
}

std::string url_host(std::string_view text) {
  UrlHandle url(curl_url());
  std::string copy(text);
  CurlString host;
  if (!url || curl_url_set(url.get(), CURLUPART_URL, copy.c_str(), 0) != CURLUE_OK ||
      curl_url_get(url.get(), CURLUPART_HOST, &host.text, 0) != CURLUE_OK)
    return {};
  std::string lower(host.text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::string_view normalized_host(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view authority = url.substr(scheme_end + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.starts_with('[')) return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.find(':'));
}

}  // namespace crawler::parsers
