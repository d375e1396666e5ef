// The WHATWG URL Standard's host parser: domains (percent-decoded, then
// IDNA to ASCII through libidn2, then checked for forbidden code points),
// IPv4 in all its legacy forms (0x7f.1, 2130706433, 127.1), IPv6 in
// brackets, and the opaque hosts of non-special schemes. A returned host is
// already serialized: lower-case ASCII, dotted-quad IPv4, compressed IPv6.
#pragma once

#include <string>
#include <string_view>

namespace crawler::parsers {

/// A serialized host, or why the input is not one (error set, host empty).
struct HostResult {
  std::string host;
  const char* error = nullptr;
};

/// Parses a host as the standard's host parser does. `opaque` is true for
/// non-special schemes (no IDNA, no IPv4, only forbidden code points checked).
/// The empty input is not handled here: whether it is allowed is the caller's.
HostResult parse_host(std::string_view input, bool opaque);

}  // namespace crawler::parsers
