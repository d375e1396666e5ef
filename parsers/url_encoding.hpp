// Percent-encoding and -decoding as the WHATWG URL Standard defines them,
// with its encode sets (C0 control, fragment, query, special-query, path,
// userinfo). Encoding never touches '%', so "%41" and an invalid "%zz" pass
// through unchanged; bytes >= 0x80 (UTF-8) are always encoded, as upper-case
// hex. Header-only: url.cpp and url_host.cpp share it.
#pragma once

#include <string>
#include <string_view>

#include "parsers/ascii.hpp"

namespace crawler::parsers {

/// The WHATWG percent-encode sets, each a superset of the one before it
/// except kFragment and kSpecialQuery, which extend kC0Control and kQuery.
enum class EncodeSet { kC0Control, kFragment, kQuery, kSpecialQuery, kPath, kUserinfo };

/// True when `byte` belongs to `set` and so must be written as %XX.
constexpr bool in_encode_set(unsigned char byte, EncodeSet set) {
  if (byte < 0x20 || byte > 0x7E) return true;
  auto query = [](unsigned char c) {
    return c == ' ' || c == '"' || c == '#' || c == '<' || c == '>';
  };
  auto path = [&](unsigned char c) {
    return query(c) || c == '?' || c == '`' || c == '{' || c == '}';
  };
  switch (set) {
    case EncodeSet::kC0Control:
      return false;
    case EncodeSet::kFragment:
      return byte == ' ' || byte == '"' || byte == '<' || byte == '>' || byte == '`';
    case EncodeSet::kQuery:
      return query(byte);
    case EncodeSet::kSpecialQuery:
      return query(byte) || byte == '\'';
    case EncodeSet::kPath:
      return path(byte);
    case EncodeSet::kUserinfo:
      return path(byte) || byte == '/' || byte == ':' || byte == ';' || byte == '=' ||
             byte == '@' || byte == '[' || byte == '\\' || byte == ']' || byte == '^' ||
             byte == '|';
  }
  return true;
}

/// Appends `byte` to `out`, percent-encoded when it is in `set`.
inline void append_encoded(std::string& out, char byte, EncodeSet set) {
  constexpr char kHex[] = "0123456789ABCDEF";
  auto c = static_cast<unsigned char>(byte);
  if (!in_encode_set(c, set)) {
    out.push_back(byte);
    return;
  }
  out.push_back('%');
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0xF]);
}

/// Appends `text` to `out`, percent-encoding the bytes in `set`.
inline void append_encoded(std::string& out, std::string_view text, EncodeSet set) {
  for (char c : text) append_encoded(out, c, set);
}

/// Decodes every valid %XX; a '%' not followed by two hex digits stays as is.
inline std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

}  // namespace crawler::parsers
