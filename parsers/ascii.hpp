// ASCII case helpers for the protocol text the crawler reads (header names,
// robots.txt keys, HTML attribute values): locale-free, so "I" is always
// "i" whatever the process's locale says.
#pragma once

#include <string_view>

namespace crawler::parsers {

inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

/// Equal, ignoring ASCII case.
inline bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

/// `text` holds `part`, ignoring ASCII case.
inline bool ascii_icontains(std::string_view text, std::string_view part) {
  for (std::size_t i = 0; i + part.size() <= text.size(); ++i)
    if (ascii_iequals(text.substr(i, part.size()), part)) return true;
  return false;
}

}  // namespace crawler::parsers
