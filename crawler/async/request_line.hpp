// parse_request_line and parse_header_fields: an HTTP/1.x message head,
// for the serve endpoint (and the console's view of kept responses). Pure:
// no loop; what they return are slices of their input. Fuzzed
// (tests/fuzz/request_line_fuzzer.cpp).
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace crawler::async {

/// The method and target of a request head ("GET /x HTTP/1.1\r\n...").
struct RequestLine {
  std::string_view method;
  std::string_view target;
};

/// Empty when the first line is not a well-formed HTTP/1.x request line
/// (a token method, a target of visible bytes, HTTP/1.0 or HTTP/1.1).
std::optional<RequestLine> parse_request_line(std::string_view head);

/// The "Name: value" fields of a head after its first line, values trimmed
/// of spaces and tabs; a line without a colon is skipped.
std::vector<std::pair<std::string_view, std::string_view>> parse_header_fields(
    std::string_view head);

}  // namespace crawler::async
