// parse_request_line: see request_line.hpp.
#include "crawler/async/request_line.hpp"

#include <algorithm>
#include <cctype>

namespace crawler::async {

std::optional<RequestLine> parse_request_line(std::string_view head) {
  auto end = head.find("\r\n");
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = head.substr(0, end);
  auto first = line.find(' ');
  if (first == std::string_view::npos) return std::nullopt;
  auto second = line.find(' ', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  RequestLine request{line.substr(0, first), line.substr(first + 1, second - first - 1)};
  std::string_view version = line.substr(second + 1);
  // RFC 9110 5.6.2: a method is a token; a target has no space or control byte.
  auto token = [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  };
  auto visible = [](unsigned char c) { return c > 0x20 && c < 0x7f; };
  if (request.method.empty() || !std::all_of(request.method.begin(), request.method.end(), token) ||
      request.target.empty() ||
      !std::all_of(request.target.begin(), request.target.end(), visible) ||
      (version != "HTTP/1.1" && version != "HTTP/1.0"))
    return std::nullopt;
  return request;
}

}  // namespace crawler::async
