// DnsCache: what each server name resolved to, kept for a TTL, so a name is
// looked up once per TTL however many URLs and origins it has. Failures are
// kept too (for at most a minute: a name that failed may come back). The
// --resolve entries (HOST:PORT:ADDRESS) are pinned in it and never expire:
// they answer before any lookup, as curl's --resolve does. Bounded: past
// `max_names` the oldest answers are forgotten (looked up again if needed).
// Decisions only: the lookup itself is the caller's, off the loop thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace crawler {

/// One name's answer: its addresses (text, IPv6 without brackets), or why
/// there are none. The first is the server's address for politeness and
/// the one connected to; the others are libcurl's fallbacks, in order.
struct DnsAnswer {
  std::string address;  // empty: the lookup failed
  std::string error;    // what the resolver said, when it failed
  std::vector<std::string> others;
  bool ok() const { return !address.empty(); }
};

class DnsCache {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Millis = std::chrono::milliseconds;

  struct Limits {
    Millis ttl{300'000};         // an answer is used this long (getaddrinfo tells no TTL)
    Millis failure_ttl{60'000};  // a failure, at most this long (and no longer than ttl)
    std::size_t max_names = 100'000;
  };

  explicit DnsCache(Limits limits) : limits_(limits) {}

  /// Pins "HOST:PORT:ADDRESS" (curl's --resolve form; the first of several
  /// comma-separated addresses, brackets allowed). False when malformed.
  bool pin(std::string_view entry);
  /// The answer for `host` (lower case, IPv6 in brackets) at `port`, if
  /// one is fresh at `now`: a pinned entry, or a cached lookup.
  std::optional<DnsAnswer> find(std::string_view host, int port, TimePoint now) const;
  /// A lookup of `host` answered at `now`.
  void store(std::string_view host, DnsAnswer answer, TimePoint now);

  std::size_t size() const { return names_.size(); }

 private:
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };
  struct Entry {
    DnsAnswer answer;
    TimePoint expires;
    std::uint64_t stored = 0;  // which store() put it there (see order_)
  };
  template <typename T>
  using NameMap = std::unordered_map<std::string, T, NameHash, std::equal_to<>>;

  void forget_oldest();

  Limits limits_;
  NameMap<DnsAnswer> pinned_;  // "host:port"
  NameMap<Entry> names_;
  // Names in the order they were stored, oldest first; an element whose
  // number is not its entry's any more was stored again since (skipped).
  std::deque<std::pair<std::string, std::uint64_t>> order_;
  std::uint64_t stores_ = 0;
};

/// An origin's host (lower case, IPv6 in brackets) and port, the default
/// one of its scheme when it names none.
struct HostPort {
  std::string_view host;
  int port = 0;
};
HostPort host_port(std::string_view origin);

/// The address a host given as an IP literal names ("[::1]" → "::1"); empty for a name.
std::string literal_address(std::string_view host);

}  // namespace crawler
