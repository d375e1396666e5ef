// WHATWG host parsing: see url_host.hpp. Linear in the input; libidn2 does
// the UTS #46 mapping and Punycode, inet_pton reads IPv6 and the IPv4 forms
// are parsed here because inet_aton and CURLU accept what the standard
// rejects (1.2.3.08, 256.256.256.256).
#include "parsers/url_host.hpp"

#include <arpa/inet.h>
#include <idn2.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "parsers/ascii.hpp"
#include "parsers/url_encoding.hpp"

namespace crawler::parsers {

namespace {

// Larger than any IPv4 address; numbers saturate here so they never overflow.
constexpr uint64_t kTooBig = uint64_t{1} << 33;

bool is_forbidden_host_code_point(unsigned char c) {
  switch (c) {
    case 0:
    case '\t':
    case '\n':
    case '\r':
    case ' ':
    case '#':
    case '/':
    case ':':
    case '<':
    case '>':
    case '?':
    case '@':
    case '[':
    case '\\':
    case ']':
    case '^':
    case '|':
      return true;
    default:
      return false;
  }
}

bool is_forbidden_domain_code_point(unsigned char c) {
  return is_forbidden_host_code_point(c) || c < 0x20 || c == '%' || c == 0x7F;
}

std::vector<std::string_view> split_dots(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t dot; (dot = text.find('.', start)) != std::string_view::npos; start = dot + 1)
    parts.push_back(text.substr(start, dot - start));
  parts.push_back(text.substr(start));
  return parts;
}

// The standard's "IPv4 number parser": decimal, 0x hex or 0-prefixed octal.
std::optional<uint64_t> ipv4_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  unsigned radix = 10;
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    radix = 16;
    text.remove_prefix(2);
  } else if (text.size() >= 2 && text[0] == '0') {
    radix = 8;
    text.remove_prefix(1);
  }
  uint64_t value = 0;
  for (char c : text) {
    int digit = hex_value(c);
    if (digit < 0 || static_cast<unsigned>(digit) >= radix) return std::nullopt;
    value = std::min(value * radix + static_cast<unsigned>(digit), kTooBig);
  }
  return value;
}

bool ends_in_number(std::string_view domain) {
  std::vector<std::string_view> parts = split_dots(domain);
  if (parts.back().empty()) {
    if (parts.size() == 1) return false;
    parts.pop_back();
  }
  std::string_view last = parts.back();
  bool all_digits = !last.empty();
  for (char c : last) all_digits = all_digits && c >= '0' && c <= '9';
  return all_digits || ipv4_number(last).has_value();
}

HostResult parse_ipv4(std::string_view domain) {
  std::vector<std::string_view> parts = split_dots(domain);
  if (parts.back().empty() && parts.size() > 1) parts.pop_back();
  if (parts.size() > 4) return {{}, "IPv4 address with more than four parts"};
  std::array<uint64_t, 4> numbers{};
  for (size_t i = 0; i < parts.size(); ++i) {
    auto number = ipv4_number(parts[i]);
    if (!number) return {{}, "IPv4 address with a non-numeric part"};
    numbers[i] = *number;
  }
  for (size_t i = 0; i + 1 < parts.size(); ++i)
    if (numbers[i] > 255) return {{}, "IPv4 address part out of range"};
  uint64_t address = numbers[parts.size() - 1];
  if (address >= (uint64_t{1} << (8 * (5 - parts.size()))))
    return {{}, "IPv4 address out of range"};
  for (size_t i = 0; i + 1 < parts.size(); ++i) address += numbers[i] << (8 * (3 - i));
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += std::to_string((address >> shift) & 0xFF);
    if (shift) out.push_back('.');
  }
  return {out};
}

// Serializes as the standard does: lower-case hex, the first longest run of
// two or more zero pieces as "::", and no dotted IPv4 tail.
HostResult parse_ipv6(std::string_view inside) {
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET6, std::string(inside).c_str(), bytes.data()) != 1)
    return {{}, "invalid IPv6 address"};
  std::array<unsigned, 8> pieces{};
  for (size_t i = 0; i < 8; ++i) pieces[i] = bytes[2 * i] << 8 | bytes[2 * i + 1];
  size_t best_start = 8, best_length = 1;
  for (size_t i = 0; i < 8;) {
    size_t j = i;
    while (j < 8 && pieces[j] == 0) ++j;
    if (j - i > best_length) best_start = i, best_length = j - i;
    i = j == i ? i + 1 : j;
  }
  std::string out = "[";
  constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += i == 0 ? "::" : ":";
      i += best_length - 1;
      continue;
    }
    bool leading = true;
    for (int shift = 12; shift >= 0; shift -= 4) {
      unsigned digit = (pieces[i] >> shift) & 0xF;
      if (leading && digit == 0 && shift) continue;
      leading = false;
      out.push_back(kHex[digit]);
    }
    if (i != 7) out.push_back(':');
  }
  out.push_back(']');
  return {out};
}

bool has_punycode_label(std::string_view domain) {
  for (size_t i = 0; i + 4 <= domain.size(); ++i) {
    if ((i == 0 || domain[i - 1] == '.') && (domain[i] == 'x' || domain[i] == 'X') &&
        (domain[i + 1] == 'n' || domain[i + 1] == 'N') && domain[i + 2] == '-' &&
        domain[i + 3] == '-')
      return true;
  }
  return false;
}

// "domain to ASCII" with beStrict false. ASCII without Punycode labels only
// needs lower-casing (UTS #46 maps nothing else in ASCII when STD3 rules are
// off); the rest goes through libidn2.
HostResult domain_to_ascii(const std::string& domain) {
  bool ascii = true;
  for (unsigned char c : domain) {
    if (c < 0x80 && is_forbidden_domain_code_point(c)) return {{}, "forbidden code point in host"};
    ascii = ascii && c < 0x80;
  }
  std::string out;
  if (ascii && !has_punycode_label(domain)) {
    out = ascii_lowercase(domain);
  } else {
    char* converted = nullptr;
    int rc = idn2_to_ascii_8z(domain.c_str(), &converted, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK) {
      idn2_free(converted);
      return {{}, "host fails IDNA processing"};
    }
    out = converted;
    idn2_free(converted);
  }
  if (out.empty()) return {{}, "empty host"};
  for (unsigned char c : out)
    if (is_forbidden_domain_code_point(c)) return {{}, "forbidden code point in host"};
  return {out};
}

}  // namespace

HostResult parse_host(std::string_view input, bool opaque) {
  if (input.starts_with('[')) {
    if (!input.ends_with(']') || input.size() < 2) return {{}, "unclosed IPv6 address"};
    return parse_ipv6(input.substr(1, input.size() - 2));
  }
  if (opaque) {
    for (unsigned char c : input)
      if (is_forbidden_host_code_point(c)) return {{}, "forbidden code point in host"};
    std::string out;
    append_encoded(out, input, EncodeSet::kC0Control);
    return {out};
  }
  HostResult ascii = domain_to_ascii(percent_decode(input));
  if (ascii.error || !ends_in_number(ascii.host)) return ascii;
  return parse_ipv4(ascii.host);
}

}  // namespace crawler::parsers
