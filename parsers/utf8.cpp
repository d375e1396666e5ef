// UTF-8 validity: see utf8.hpp.
#include "parsers/utf8.hpp"

namespace crawler::parsers {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool in(unsigned char c, unsigned char low, unsigned char high) {
  return c >= low && c <= high;
}

}  // namespace

std::size_t utf8_length(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = byte(0);
  if (c < 0x80) return 1;
  // The second byte's range excludes overlong forms, surrogates (ED A0..BF)
  // and code points past U+10FFFF (F4 90..); later bytes are plain continuations.
  std::size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;
  if (in(c, 0xC2, 0xDF)) {
    n = 2;
  } else if (in(c, 0xE0, 0xEF)) {
    n = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (in(c, 0xF0, 0xF4)) {
    n = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size() || !in(byte(1), low, high)) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (!in(byte(k), 0x80, 0xBF)) return 0;
  return n;
}

bool is_valid_utf8(std::string_view text, bool no_nul) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = utf8_length(text, i);
    if (n == 0 || (no_nul && text[i] == '\0')) return false;
    i += n;
  }
  return true;
}

std::string to_valid_utf8(std::string_view text, bool no_nul) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = utf8_length(text, i);
    if (n == 0 || (no_nul && text[i] == '\0')) {
      out += kReplacement;
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace crawler::parsers
