// ASCII text helpers for the protocol text the crawler reads (header names
// and values, robots.txt keys, HTML attribute values, config values): the
// one trim, the one case mapping and the one hex digit of the project.
// Locale-free, so "I" is always "i" whatever the process's locale says, and
// every byte outside A-Z and a-z, 0x80-0xFF included, passes through as is.
#pragma once

#include <string>
#include <string_view>

namespace crawler::parsers {

/// 'A'-'Z' to 'a'-'z'; every other byte as is.
constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// 'a'-'z' to 'A'-'Z'; every other byte as is.
constexpr char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

/// A copy of `text` with 'A'-'Z' lowered; every other byte as is.
inline std::string ascii_lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

/// Equal, ignoring ASCII case.
constexpr bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

/// `text` starts with `prefix`, ignoring ASCII case.
constexpr bool ascii_istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && ascii_iequals(text.substr(0, prefix.size()), prefix);
}

/// `text` holds `part`, ignoring ASCII case.
constexpr bool ascii_icontains(std::string_view text, std::string_view part) {
  for (std::size_t i = 0; i + part.size() <= text.size(); ++i)
    if (ascii_iequals(text.substr(i, part.size()), part)) return true;
  return false;
}

/// 'A'-'Z' or 'a'-'z'.
constexpr bool is_ascii_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// '0'-'9'.
constexpr bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

/// A letter or a digit of ASCII.
constexpr bool is_ascii_alnum(char c) {
  return is_ascii_alpha(c) || is_ascii_digit(c);
}

/// Space, tab, LF, VT, FF, CR: what std::isspace matches in the "C" locale,
/// in every locale.
constexpr bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/// "ASCII whitespace" of the WHATWG standards (HTML, Encoding, URL): space,
/// tab, LF, FF, CR, and not VT.
constexpr bool is_html_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/// XML's white space (XML 1.0 section 2.3, production S): space, tab, CR, LF.
constexpr bool is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// HTTP's optional white space (RFC 9110 section 5.6.3, OWS): space and tab.
constexpr bool is_space_or_tab(char c) {
  return c == ' ' || c == '\t';
}

/// `text` without the bytes at either end for which `is_space` holds;
/// is_ascii_space unless a protocol names its own set.
constexpr std::string_view trim_ascii_space(std::string_view text,
                                            bool (*is_space)(char) = is_ascii_space) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

/// The value of a hex digit ('0'-'9', 'a'-'f', 'A'-'F'), or -1.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace crawler::parsers
