// HTTP/1.1 response values and their wire form for the loopback test server.
// Owns CannedResponse (what a route answers) and its serialization.
// Invariants: serialize_response always emits a Content-Length matching the body (unless the
// caller supplied one, which is then trusted, or the status forbids a body) and a Connection
// header (unless the caller supplied one).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crawler::testing {

/// A response the server sends as-is.
struct CannedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  ///< Extra headers, in order.
  std::string body;
};

/// Standard reason phrase for `status` ("Unknown" for codes without one).
std::string_view reason_phrase(int status);

/// True for statuses that never carry a body (1xx, 204, 304).
bool status_forbids_body(int status);

/// Serializes status line, headers and body. `keep_alive` picks the Connection header;
/// `head_only` (HEAD requests) keeps the headers but drops the body.
std::string serialize_response(const CannedResponse& response, bool keep_alive, bool head_only);

/// Status line and headers only, ending with the blank line.
std::string serialize_head(const CannedResponse& response, bool keep_alive);

}  // namespace crawler::testing
