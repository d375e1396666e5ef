// parse_request_line: see request_line.hpp.
#include "crawler/async/request_line.hpp"

#include <algorithm>

#include "parsers/ascii.hpp"

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
    return parsers::is_ascii_alnum(static_cast<char>(c)) ||
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

std::vector<std::pair<std::string_view, std::string_view>> parse_header_fields(
    std::string_view head) {
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  std::size_t at = head.find("\r\n");
  while (at != std::string_view::npos && at + 2 < head.size()) {
    std::size_t start = at + 2;
    std::size_t end = head.find("\r\n", start);
    std::string_view line = head.substr(start, end == std::string_view::npos ? end : end - start);
    std::size_t colon = line.find(':');
    if (colon != std::string_view::npos)
      fields.emplace_back(
          line.substr(0, colon),
          parsers::trim_ascii_space(line.substr(colon + 1), parsers::is_space_or_tab));
    at = end;
  }
  return fields;
}

}  // namespace crawler::async
