// AddressPolicy: which IP addresses the crawler may connect to. By default
// only public unicast ones: loopback, private (RFC 1918, CGNAT, ULA),
// link-local, multicast, unspecified, "this network", broadcast and
// reserved ranges are refused, in IPv4 and IPv6 and in IPv6's embeddings of
// IPv4 (mapped, compatible, NAT64, 6to4). An operator allows more with CIDR
// ranges (--allow-address). Pure code: no I/O, tested alone.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crawler {

/// An address as 16 bytes: IPv4 is held IPv4-mapped (::ffff:a.b.c.d).
using IpBytes = std::array<std::uint8_t, 16>;

/// Why an address is not public; kPublic when it is.
enum class AddressClass {
  kPublic,
  kLoopback,     // 127/8, ::1
  kPrivate,      // 10/8, 172.16/12, 192.168/16, fc00::/7
  kShared,       // 100.64/10 (carrier-grade NAT)
  kLinkLocal,    // 169.254/16, fe80::/10
  kMulticast,    // 224/4, ff00::/8
  kUnspecified,  // 0.0.0.0, ::
  kThisNetwork,  // 0/8
  kBroadcast,    // 255.255.255.255
  kReserved,     // 240/4, documentation and benchmark ranges
};

/// Stable lower-case name for errors and logs, e.g. "loopback".
std::string_view to_string(AddressClass kind);

/// Parses a numeric IPv4 (dotted quad) or IPv6 address (brackets allowed).
std::optional<IpBytes> parse_ip(std::string_view text);
/// The address of a socket address (AF_INET or AF_INET6).
std::optional<IpBytes> ip_of(const sockaddr* address);
/// Readable form: dotted quad for IPv4, RFC 5952 text for IPv6.
std::string ip_to_string(const IpBytes& ip);

AddressClass classify(const IpBytes& ip);

/// An address range, e.g. "10.0.0.0/8", "fd00::/8" or a single address.
struct Cidr {
  IpBytes base{};
  int prefix = 128;  // in the 128-bit space (an IPv4 /8 is a /104)
  bool contains(const IpBytes& ip) const;
};
/// Empty when `text` is not an address or range.
std::optional<Cidr> parse_cidr(std::string_view text);

class AddressPolicy {
 public:
  /// Throws std::invalid_argument naming a range that does not parse.
  explicit AddressPolicy(const std::vector<std::string>& allowed = {});

  /// Empty when the crawler may connect to `ip`; else why not, e.g.
  /// "127.0.0.1 is a loopback address".
  std::optional<std::string> refusal(const IpBytes& ip) const;

 private:
  std::vector<Cidr> allowed_;
};

}  // namespace crawler
