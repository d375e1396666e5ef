// AddressPolicy: see address_policy.hpp.
#include "crawler/admission/address_policy.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace crawler {

namespace {

constexpr int kV4Offset = 96;  // an IPv4 prefix length + this = its IPv6-mapped length

IpBytes mapped(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d};
}

bool starts_with(const IpBytes& ip, std::initializer_list<std::uint8_t> prefix) {
  return std::equal(prefix.begin(), prefix.end(), ip.begin());
}

bool all_zero(const IpBytes& ip, std::size_t from, std::size_t to) {
  return std::all_of(ip.begin() + from, ip.begin() + to, [](std::uint8_t b) { return b == 0; });
}

// The IPv4 address an IPv6 one stands for, if any: IPv4-mapped
// (::ffff:0:0/96), IPv4-translated (::ffff:0:0:0/96, SIIT),
// IPv4-compatible (::/96, deprecated but still routed by some stacks),
// NAT64 (64:ff9b::/96) and 6to4 (2002::/16) all reach it.
std::optional<IpBytes> embedded_v4(const IpBytes& ip) {
  if (all_zero(ip, 0, 10) && ip[10] == 0xff && ip[11] == 0xff) return ip;
  if (all_zero(ip, 0, 8) && ip[8] == 0xff && ip[9] == 0xff && all_zero(ip, 10, 12))
    return mapped(ip[12], ip[13], ip[14], ip[15]);
  if (all_zero(ip, 0, 12)) return mapped(ip[12], ip[13], ip[14], ip[15]);  // :: and ::1 too
  if (starts_with(ip, {0x00, 0x64, 0xff, 0x9b}) && all_zero(ip, 4, 12))
    return mapped(ip[12], ip[13], ip[14], ip[15]);
  if (starts_with(ip, {0x20, 0x02})) return mapped(ip[2], ip[3], ip[4], ip[5]);
  return std::nullopt;
}

AddressClass classify_v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  if (a == 0 && b == 0 && c == 0 && d == 0) return AddressClass::kUnspecified;
  if (a == 0) return AddressClass::kThisNetwork;
  if (a == 127) return AddressClass::kLoopback;
  if (a == 10 || (a == 172 && (b & 0xf0) == 16) || (a == 192 && b == 168))
    return AddressClass::kPrivate;
  if (a == 100 && (b & 0xc0) == 64) return AddressClass::kShared;
  if (a == 169 && b == 254) return AddressClass::kLinkLocal;
  if ((a & 0xf0) == 224) return AddressClass::kMulticast;
  if (a == 255 && b == 255 && c == 255 && d == 255) return AddressClass::kBroadcast;
  if ((a & 0xf0) == 240) return AddressClass::kReserved;
  // IETF protocol assignments, documentation (TEST-NET-1..3), benchmarking.
  if ((a == 192 && b == 0 && (c == 0 || c == 2)) || (a == 198 && b == 51 && c == 100) ||
      (a == 203 && b == 0 && c == 113) || (a == 198 && (b & 0xfe) == 18))
    return AddressClass::kReserved;
  return AddressClass::kPublic;
}

}  // namespace

std::string_view to_string(AddressClass kind) {
  switch (kind) {
    case AddressClass::kPublic:
      return "public";
    case AddressClass::kLoopback:
      return "loopback";
    case AddressClass::kPrivate:
      return "private";
    case AddressClass::kShared:
      return "shared (CGNAT)";
    case AddressClass::kLinkLocal:
      return "link-local";
    case AddressClass::kMulticast:
      return "multicast";
    case AddressClass::kUnspecified:
      return "unspecified";
    case AddressClass::kThisNetwork:
      return "this-network";
    case AddressClass::kBroadcast:
      return "broadcast";
    case AddressClass::kReserved:
      return "reserved";
  }
  return "reserved";
}

std::optional<IpBytes> parse_ip(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  std::string copy(text);
  in_addr v4{};
  if (inet_pton(AF_INET, copy.c_str(), &v4) == 1) {
    IpBytes ip = mapped(0, 0, 0, 0);
    std::memcpy(ip.data() + 12, &v4, 4);
    return ip;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, copy.c_str(), &v6) == 1) {
    IpBytes ip;
    std::memcpy(ip.data(), &v6, 16);
    return ip;
  }
  return std::nullopt;
}

std::optional<IpBytes> ip_of(const sockaddr* address) {
  if (address == nullptr) return std::nullopt;
  if (address->sa_family == AF_INET) {
    sockaddr_in v4;
    std::memcpy(&v4, address, sizeof v4);
    IpBytes ip = mapped(0, 0, 0, 0);
    std::memcpy(ip.data() + 12, &v4.sin_addr, 4);
    return ip;
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6;
    std::memcpy(&v6, address, sizeof v6);
    IpBytes ip;
    std::memcpy(ip.data(), &v6.sin6_addr, 16);
    return ip;
  }
  return std::nullopt;
}

std::string ip_to_string(const IpBytes& ip) {
  char text[INET6_ADDRSTRLEN] = {};
  if (all_zero(ip, 0, 10) && ip[10] == 0xff && ip[11] == 0xff) {
    inet_ntop(AF_INET, ip.data() + 12, text, sizeof text);
  } else {
    inet_ntop(AF_INET6, ip.data(), text, sizeof text);
  }
  return text;
}

AddressClass classify(const IpBytes& ip) {
  // Before the IPv4-compatible reading, which would call them 0.0.0.0 and 0.0.0.1.
  if (all_zero(ip, 0, 16)) return AddressClass::kUnspecified;
  if (all_zero(ip, 0, 15) && ip[15] == 1) return AddressClass::kLoopback;
  // RFC 8215's local-use NAT64 block: a site's own translator, never public
  // (where in it the IPv4 address sits depends on the site's prefix length).
  if (starts_with(ip, {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01})) return AddressClass::kPrivate;
  if (auto v4 = embedded_v4(ip)) {
    const IpBytes& b = *v4;
    return classify_v4(b[12], b[13], b[14], b[15]);
  }
  if ((ip[0] & 0xfe) == 0xfc) return AddressClass::kPrivate;
  if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80) return AddressClass::kLinkLocal;
  if (ip[0] == 0xfe && (ip[1] & 0xc0) == 0xc0) return AddressClass::kLinkLocal;  // site-local
  if (ip[0] == 0xff) return AddressClass::kMulticast;
  // Documentation (2001:db8::/32), Teredo (2001::/32, an obfuscated IPv4
  // inside), discard-only (100::/64).
  if (starts_with(ip, {0x20, 0x01, 0x0d, 0xb8}) || starts_with(ip, {0x20, 0x01, 0x00, 0x00}) ||
      (starts_with(ip, {0x01, 0x00}) && all_zero(ip, 2, 8)))
    return AddressClass::kReserved;
  return AddressClass::kPublic;
}

bool Cidr::contains(const IpBytes& ip) const {
  int full = prefix / 8;
  if (!std::equal(base.begin(), base.begin() + full, ip.begin())) return false;
  if (int rest = prefix % 8) {
    auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (base[full] & mask) == (ip[full] & mask);
  }
  return true;
}

std::optional<Cidr> parse_cidr(std::string_view text) {
  auto slash = text.find('/');
  auto ip = parse_ip(text.substr(0, slash));
  if (!ip) return std::nullopt;
  bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  int bits = v4 ? 32 : 128;
  if (slash != std::string_view::npos) {
    std::string_view length = text.substr(slash + 1);
    auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), bits);
    if (error != std::errc() || end != length.data() + length.size() || length.empty() ||
        bits < 0 || bits > (v4 ? 32 : 128))
      return std::nullopt;
  }
  return Cidr{*ip, v4 ? bits + kV4Offset : bits};
}

AddressPolicy::AddressPolicy(const std::vector<std::string>& allowed) {
  for (const auto& text : allowed) {
    auto range = parse_cidr(text);
    if (!range)
      throw std::invalid_argument("allow-address '" + text +
                                  "' is not an IP address or CIDR range (e.g. 10.0.0.0/8)");
    allowed_.push_back(*range);
  }
}

std::optional<std::string> AddressPolicy::refusal(const IpBytes& ip) const {
  AddressClass kind = classify(ip);
  if (kind == AddressClass::kPublic) return std::nullopt;
  for (const Cidr& range : allowed_)
    if (range.contains(ip)) return std::nullopt;
  return ip_to_string(ip) + " is a " + std::string(to_string(kind)) + " address";
}

}  // namespace crawler
