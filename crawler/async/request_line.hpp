// parse_request_line: the first line of an HTTP/1.x request head, for the
// serve endpoint. Pure: no loop, no allocation; what it returns are slices
// of its input. Fuzzed (tests/fuzz/request_line_fuzzer.cpp).
#pragma once

#include <optional>
#include <string_view>

namespace crawler::async {

/// The method and target of a request head ("GET /x HTTP/1.1\r\n...").
struct RequestLine {
  std::string_view method;
  std::string_view target;
};

/// Empty when the first line is not a well-formed HTTP/1.x request line
/// (a token method, a target of visible bytes, HTTP/1.0 or HTTP/1.1).
std::optional<RequestLine> parse_request_line(std::string_view head);

}  // namespace crawler::async
