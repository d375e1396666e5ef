// Incremental HTTP/1.x request-head parser for the loopback test server.
// Owns the bytes received on one connection that are not yet consumed.
// Invariants: a request is returned only once its head (up to the blank line) is complete;
// request bodies (Content-Length) are skipped, never returned; the buffer never grows past
// kMaxHeadBytes without a complete head (that is reported as kTooLarge).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crawler::testing {

/// One parsed request head.
struct HttpRequest {
  std::string method;
  std::string target;
  std::string version;  ///< "HTTP/1.1" or "HTTP/1.0".
  std::vector<std::pair<std::string, std::string>> headers;

  /// Value of the first header named `name` (case-insensitive), or "" if absent.
  std::string_view header(std::string_view name) const;
  /// True if the connection should stay open after the response (HTTP/1.1 default).
  bool keep_alive() const;
  /// The target without "?query" or "#fragment".
  std::string_view path() const;
};

/// Splits a byte stream into request heads.
class HttpRequestParser {
 public:
  static constexpr std::size_t kMaxHeadBytes = 64 * 1024;

  enum class Status { kIncomplete, kComplete, kBadRequest, kTooLarge, kUnsupportedBody };

  /// Appends received bytes (skipping any request body still being discarded).
  void feed(std::string_view bytes);
  /// Extracts the next complete request into `out`. After an error status the parser must not
  /// be used again (the connection is answered and closed).
  Status next(HttpRequest& out);
  /// Bytes buffered and not yet consumed.
  std::size_t buffered() const { return buffer_.size(); }

 private:
  std::string buffer_;
  std::uint64_t body_to_skip_ = 0;
};

}  // namespace crawler::testing
