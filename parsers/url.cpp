// The WHATWG URL parser's state machine, written as one function per group of
// states, over a record that owns its parts; see url.hpp. Every state moves
// forward through the input, and ".." pops a segment, so parsing is linear.
// Hosts are parsed in url_host.cpp; CURLU has the last word on crawl keys.
#include "parsers/url.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "parsers/ascii.hpp"
#include "parsers/url_encoding.hpp"
#include "parsers/url_host.hpp"

namespace crawler::parsers {

namespace {

// A parse failure: a fixed message, or nullptr for success.
using Error = const char*;

constexpr size_t kNone = std::string_view::npos;

// The standard's URL record. The path is a list of encoded segments, or one
// opaque string (for "mailto:x") when opaque_path is set.
struct UrlRecord {
  std::string scheme;
  bool special = false;
  std::string username;
  std::string password;
  std::optional<std::string> host;
  std::optional<uint16_t> port;
  bool opaque_path = false;
  std::vector<std::string> path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
};

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

// Leading and trailing C0 controls and spaces go, then every tab and newline.
std::string clean_input(std::string_view input) {
  auto is_c0_or_space = [](char c) { return static_cast<unsigned char>(c) <= ' '; };
  while (!input.empty() && is_c0_or_space(input.front())) input.remove_prefix(1);
  while (!input.empty() && is_c0_or_space(input.back())) input.remove_suffix(1);
  std::string out;
  out.reserve(input.size());
  for (char c : input)
    if (c != '\t' && c != '\n' && c != '\r') out.push_back(c);
  return out;
}

// Length of the scheme when input starts with one and a ':', else kNone.
size_t scheme_length(std::string_view input) {
  if (input.empty() || !is_ascii_alpha(input[0])) return kNone;
  for (size_t i = 1; i < input.size(); ++i) {
    char c = input[i];
    if (c == ':') return i;
    if (!is_ascii_alnum(c) && c != '+' && c != '-' && c != '.') return kNone;
  }
  return kNone;
}

bool is_special(std::string_view scheme) {
  return scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss" ||
         scheme == "ftp" || scheme == "file";
}

int default_port(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme == "https" || scheme == "wss") return 443;
  if (scheme == "ftp") return 21;
  return -1;
}

// In special URLs a backslash is a slash.
bool is_slash(char c, bool special) {
  return c == '/' || (special && c == '\\');
}

std::string_view skip_slashes(std::string_view text) {
  while (!text.empty() && is_slash(text.front(), true)) text.remove_prefix(1);
  return text;
}

bool is_single_dot(std::string_view segment) {
  return segment == "." || segment == "%2e" || segment == "%2E";
}

bool is_double_dot(std::string_view segment) {
  if (segment.size() < 2 || segment.size() > 6) return false;
  std::string lower = ascii_lowercase(segment);
  return lower == ".." || lower == ".%2e" || lower == "%2e." || lower == "%2e%2e";
}

// Query and fragment states; text is empty or starts with '?' or '#'.
void parse_query_and_fragment(std::string_view text, UrlRecord& url) {
  if (text.starts_with('?')) {
    size_t hash = text.find('#');
    url.query.emplace();
    append_encoded(*url.query, text.substr(1, hash == kNone ? kNone : hash - 1),
                   url.special ? EncodeSet::kSpecialQuery : EncodeSet::kQuery);
    text = hash == kNone ? std::string_view() : text.substr(hash);
  }
  if (text.starts_with('#')) {
    url.fragment.emplace();
    append_encoded(*url.fragment, text.substr(1), EncodeSet::kFragment);
  }
}

// Path state: appends the segments of text (up to '?' or '#') to url.path,
// resolving "." and ".." (also as %2e), then reads query and fragment.
void parse_path(std::string_view text, UrlRecord& url) {
  std::string buffer;
  size_t i = 0;
  for (;; ++i) {
    bool at_end = i == text.size() || text[i] == '?' || text[i] == '#';
    bool slash = !at_end && is_slash(text[i], url.special);
    if (!at_end && !slash) {
      append_encoded(buffer, text[i], EncodeSet::kPath);
      continue;
    }
    if (is_double_dot(buffer)) {
      if (!url.path.empty()) url.path.pop_back();
      if (!slash) url.path.emplace_back();
    } else if (!is_single_dot(buffer)) {
      url.path.push_back(std::move(buffer));
    } else if (!slash) {
      url.path.emplace_back();
    }
    buffer.clear();
    if (at_end) break;
  }
  parse_query_and_fragment(text.substr(i), url);
}

// Opaque path state ("mailto:x", "javascript:void(0)").
void parse_opaque_path(std::string_view text, UrlRecord& url) {
  size_t end = text.find_first_of("?#");
  std::string_view path = text.substr(0, end);
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    // A space right before the query or fragment would be lost when
    // re-parsed (trailing spaces are trimmed), so it is encoded.
    if (path[i] == ' ' && i + 1 == path.size() && end != kNone)
      out += "%20";
    else
      append_encoded(out, path[i], EncodeSet::kC0Control);
  }
  url.opaque_path = true;
  url.path.assign(1, std::move(out));
  parse_query_and_fragment(end == kNone ? std::string_view() : text.substr(end), url);
}

// Path start state, right after the authority.
void parse_path_start(std::string_view text, UrlRecord& url) {
  if (url.special) {
    if (!text.empty() && is_slash(text.front(), true)) text.remove_prefix(1);
    parse_path(text, url);
  } else if (text.starts_with('/')) {
    parse_path(text.substr(1), url);
  } else {
    parse_query_and_fragment(text, url);
  }
}

// Authority, host and port states; text starts after the slashes.
Error parse_authority(std::string_view text, UrlRecord& url) {
  size_t end = 0;
  while (end < text.size() && !is_slash(text[end], url.special) && text[end] != '?' &&
         text[end] != '#')
    ++end;
  std::string_view authority = text.substr(0, end);
  if (size_t at = authority.rfind('@'); at != kNone) {
    std::string_view userinfo = authority.substr(0, at);
    size_t colon = userinfo.find(':');
    append_encoded(url.username, userinfo.substr(0, colon), EncodeSet::kUserinfo);
    if (colon != kNone)
      append_encoded(url.password, userinfo.substr(colon + 1), EncodeSet::kUserinfo);
    authority.remove_prefix(at + 1);
    if (authority.empty()) return "credentials without a host";
  }
  size_t colon = kNone;
  for (size_t i = 0, depth = 0; i < authority.size() && colon == kNone; ++i) {
    if (authority[i] == '[') depth = 1;
    if (authority[i] == ']') depth = 0;
    if (authority[i] == ':' && depth == 0) colon = i;
  }
  std::string_view host_text = authority.substr(0, colon);
  if (host_text.empty() && (url.special || colon != kNone)) return "missing host";
  url.host.emplace();
  if (!host_text.empty()) {
    HostResult host = parse_host(host_text, !url.special);
    if (host.error) return host.error;
    url.host = std::move(host.host);
  }
  if (colon != kNone) {
    uint32_t port = 0;
    std::string_view digits = authority.substr(colon + 1);
    for (char c : digits) {
      if (c < '0' || c > '9') return "invalid port";
      port = std::min<uint32_t>(port * 10 + static_cast<uint32_t>(c - '0'), 65536);
    }
    if (port > 65535) return "port out of range";
    if (!digits.empty() && static_cast<int>(port) != default_port(url.scheme))
      url.port = static_cast<uint16_t>(port);
  }
  parse_path_start(text.substr(end), url);
  return nullptr;
}

// File, file slash and file host states, simplified: no Windows drive letters.
Error parse_file(std::string_view text, const UrlRecord* base, UrlRecord& url) {
  url.host.emplace();
  bool file_base = base && base->scheme == "file";
  if (!text.empty() && is_slash(text.front(), true)) {
    if (text.size() > 1 && is_slash(text[1], true)) {
      text.remove_prefix(2);
      size_t end = 0;
      while (end < text.size() && !is_slash(text[end], true) && text[end] != '?' &&
             text[end] != '#')
        ++end;
      if (end > 0) {
        HostResult host = parse_host(text.substr(0, end), false);
        if (host.error) return host.error;
        if (host.host != "localhost") url.host = std::move(host.host);
      }
      parse_path_start(text.substr(end), url);
      return nullptr;
    }
    if (file_base) url.host = base->host;
    parse_path(text.substr(1), url);
    return nullptr;
  }
  if (file_base) {
    url.host = base->host;
    url.path = base->path;
    url.query = base->query;
    if (text.empty() || text.front() == '#') {
      parse_query_and_fragment(text, url);
      return nullptr;
    }
    url.query.reset();
    if (text.front() == '?') {
      parse_query_and_fragment(text, url);
      return nullptr;
    }
    if (!url.path.empty()) url.path.pop_back();
  }
  parse_path(text, url);
  return nullptr;
}

// Relative and relative slash states: text is resolved against base, whose
// scheme url takes.
Error parse_relative(std::string_view text, const UrlRecord& base, UrlRecord& url) {
  url.scheme = base.scheme;
  url.special = base.special;
  if (url.scheme == "file") return parse_file(text, &base, url);
  if (!text.empty() && is_slash(text.front(), url.special)) {
    if (text.size() > 1 && is_slash(text[1], url.special))
      return parse_authority(url.special ? skip_slashes(text) : text.substr(2), url);
    url.username = base.username;
    url.password = base.password;
    url.host = base.host;
    url.port = base.port;
    parse_path(text.substr(1), url);
    return nullptr;
  }
  url.username = base.username;
  url.password = base.password;
  url.host = base.host;
  url.port = base.port;
  url.path = base.path;
  url.query = base.query;
  if (text.empty() || text.front() == '#') {
    parse_query_and_fragment(text, url);
    return nullptr;
  }
  url.query.reset();
  if (text.front() != '?' && !url.path.empty()) url.path.pop_back();
  if (text.front() == '?')
    parse_query_and_fragment(text, url);
  else
    parse_path(text, url);
  return nullptr;
}

// Scheme start, scheme and no-scheme states.
Error parse(std::string_view input, const UrlRecord* base, UrlRecord& url) {
  size_t scheme_end = scheme_length(input);
  if (scheme_end == kNone) {
    if (!base) return "relative URL without a base";
    if (base->opaque_path) {
      if (!input.starts_with('#')) return "relative URL with a cannot-be-a-base base";
      url = *base;
      url.fragment.reset();
      parse_query_and_fragment(input, url);
      return nullptr;
    }
    return parse_relative(input, *base, url);
  }
  url.scheme = ascii_lowercase(input.substr(0, scheme_end));
  url.special = is_special(url.scheme);
  std::string_view rest = input.substr(scheme_end + 1);
  if (url.scheme == "file") return parse_file(rest, base, url);
  if (url.special) {
    bool two_slashes = rest.size() > 1 && is_slash(rest[0], true) && is_slash(rest[1], true);
    if (base && base->scheme == url.scheme && !two_slashes) return parse_relative(rest, *base, url);
    return parse_authority(skip_slashes(rest), url);
  }
  if (rest.starts_with("//")) return parse_authority(rest.substr(2), url);
  if (rest.starts_with('/')) {
    parse_path(rest.substr(1), url);
    return nullptr;
  }
  parse_opaque_path(rest, url);
  return nullptr;
}

Error parse_text(std::string_view text, const UrlRecord* base, UrlRecord& url) {
  return parse(clean_input(text), base, url);
}

// A browser's view keeps userinfo and fragment; a crawl key drops both.
enum class View { kBrowser, kCrawlKey };

std::string serialize(const UrlRecord& url, View view) {
  // GCC 12 at -O3 warns falsely (-Wrestrict) on `"x" + str` here: append instead.
  std::string out = url.scheme;
  out.append(":");
  if (url.host) {
    out += "//";
    if (view == View::kBrowser && (!url.username.empty() || !url.password.empty())) {
      out += url.username;
      if (!url.password.empty()) out.append(":").append(url.password);
      out += "@";
    }
    out += *url.host;
    if (url.port) out.append(":").append(std::to_string(*url.port));
  } else if (!url.opaque_path && url.path.size() > 1 && url.path.front().empty()) {
    out += "/.";  // keeps "//" at the start of the path from reading as a host
  }
  if (url.opaque_path) {
    out += url.path.front();
  } else {
    for (const auto& segment : url.path) out.append("/").append(segment);
  }
  if (url.query) out.append("?").append(*url.query);
  if (view == View::kBrowser && url.fragment) out.append("#").append(*url.fragment);
  return out;
}

// The crawl key: http(s) only, no fragment, no userinfo (never sent as
// credentials, never a page of its own: SSRF and duplicate guard), and fetchable by libcurl (which
// refuses some hosts the standard allows, such as "a!b.com").
std::optional<std::string> crawl_key(const UrlRecord& url) {
  if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
  std::string key = serialize(url, View::kCrawlKey);
  UrlHandle handle(curl_url());
  if (!handle || curl_url_set(handle.get(), CURLUPART_URL, key.c_str(), 0) != CURLUE_OK)
    return std::nullopt;
  return key;
}

}  // namespace

std::optional<std::string> resolve_url(std::string_view base, std::string_view href) {
  UrlRecord base_url;
  if (parse_text(base, nullptr, base_url)) return std::nullopt;
  UrlRecord url;
  if (parse_text(href, &base_url, url)) return std::nullopt;
  return crawl_key(url);
}

std::optional<std::string> normalize_url(std::string_view text) {
  UrlRecord url;
  if (parse_text(text, nullptr, url)) return std::nullopt;
  return crawl_key(url);
}

std::string url_host(std::string_view text) {
  UrlRecord url;
  if (parse_text(text, nullptr, url) || !url.host) return {};
  return *url.host;
}

std::string_view normalized_origin(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return url;
  return url.substr(0, url.find_first_of("/?#", scheme_end + 3));
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

ParsedUrl parse_url_for_display(std::optional<std::string_view> base, std::string_view input) {
  UrlRecord base_url;
  if (base) {
    if (Error error = parse_text(*base, nullptr, base_url))
      return {{}, std::nullopt, std::string("invalid base URL: ") + error};
  }
  UrlRecord url;
  if (Error error = parse_text(input, base ? &base_url : nullptr, url))
    return {{}, std::nullopt, error};
  return {serialize(url, View::kBrowser), crawl_key(url), {}};
}

}  // namespace crawler::parsers
