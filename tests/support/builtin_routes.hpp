// Built-in routes of the loopback test server: pure functions from a request path to a reply.
// Owns the synthetic site, the fault routes and the relative-link pages; no I/O, no loop.
// Invariants: every reply is deterministic in (path, authority); delays, resets and truncation
// are described by RouteReply::Kind and carried out by the connection, never here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/support/http_response.hpp"

namespace crawler::testing {

/// What the connection must do for one request.
struct RouteReply {
  enum class Kind {
    kRespond,   ///< Send `response` now.
    kDelay,     ///< Send `response` after `delay_ms` milliseconds.
    kReset,     ///< Send nothing; reset the connection (RST).
    kTruncate,  ///< Send `response` (its Content-Length overstates the body), then close.
    kStream,    ///< Send `stream` as raw bytes: no serialization, nothing checked.
  };
  /// Raw bytes sent piece by piece: `head`, then `chunk` `chunks` times
  /// (0: forever) with `interval_ms` between them (0: as fast as the peer
  /// reads), then a close (FIN), or an RST with `reset_at_end`. Hostile
  /// servers are made of these: endless or dripping bodies, dripping heads,
  /// broken framing.
  struct Stream {
    std::string head{};
    std::string chunk{};
    std::uint64_t chunks = 0;
    std::uint64_t interval_ms = 0;
    bool reset_at_end = false;
  };
  Kind kind = Kind::kRespond;
  CannedResponse response;
  std::uint64_t delay_ms = 0;
  Stream stream{};
};

/// Answers `path` (no query string) from the built-in routes; 404 for unknown paths.
/// `authority` ("host:port", from the Host header) is used for absolute links.
RouteReply route_builtin(std::string_view path, std::string_view authority);

/// Largest /big/{bytes} and /delay/{ms} values served (larger ones get 400).
inline constexpr std::uint64_t kMaxBigBytes = 256ull * 1024 * 1024;
inline constexpr std::uint64_t kMaxDelayMs = 10ull * 60 * 1000;

}  // namespace crawler::testing
