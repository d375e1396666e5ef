// Incremental HTTP/1.x request-head parser (see http_request_parser.hpp).
// Accepts CRLF or bare LF line ends, ignores empty lines before the request line, and
// validates only what the test server needs: method token, target, HTTP/1.x version,
// "name: value" header lines, and a numeric Content-Length.
#include "tests/support/http_request_parser.hpp"

#include <algorithm>
#include <charconv>

#include "parsers/ascii.hpp"

namespace crawler::testing {
namespace {

bool is_token_char(char c) {
  return parsers::is_ascii_alnum(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

// True if the comma-separated header value contains `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    const std::string_view item =
        parsers::trim_ascii_space(value.substr(0, comma), parsers::is_space_or_tab);
    if (parsers::ascii_iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

bool parse_request_line(std::string_view line, HttpRequest& out) {
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return false;
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return false;
  }
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (!is_token(method) || target.empty() || (version != "HTTP/1.1" && version != "HTTP/1.0")) {
    return false;
  }
  out.method = method;
  out.target = target;
  out.version = version;
  return true;
}

}  // namespace

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (parsers::ascii_iequals(key, name)) return value;
  }
  return {};
}

bool HttpRequest::keep_alive() const {
  const auto connection = header("Connection");
  if (has_token(connection, "close")) return false;
  if (version == "HTTP/1.0") return has_token(connection, "keep-alive");
  return true;
}

std::string_view HttpRequest::path() const {
  std::string_view p = target;
  return p.substr(0, p.find_first_of("?#"));
}

void HttpRequestParser::feed(std::string_view bytes) {
  const auto skipped = std::min<std::uint64_t>(body_to_skip_, bytes.size());
  body_to_skip_ -= skipped;
  bytes.remove_prefix(static_cast<std::size_t>(skipped));
  buffer_.append(bytes);
}

HttpRequestParser::Status HttpRequestParser::next(HttpRequest& out) {
  if (body_to_skip_ > 0) return Status::kIncomplete;
  out = HttpRequest{};
  bool have_request_line = false;
  std::size_t pos = 0;
  while (true) {
    const auto newline = buffer_.find('\n', pos);
    if (newline == std::string::npos) {
      return buffer_.size() > kMaxHeadBytes ? Status::kTooLarge : Status::kIncomplete;
    }
    if (newline > kMaxHeadBytes) return Status::kTooLarge;
    std::string_view line(buffer_.data() + pos, newline - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = newline + 1;
    if (!have_request_line) {
      if (line.empty()) continue;  // RFC 9112 §2.2: ignore leading empty lines.
      if (!parse_request_line(line, out)) return Status::kBadRequest;
      have_request_line = true;
      continue;
    }
    if (line.empty()) break;  // End of the head.
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return Status::kBadRequest;
    }
    out.headers.emplace_back(
        std::string(line.substr(0, colon)),
        std::string(parsers::trim_ascii_space(line.substr(colon + 1), parsers::is_space_or_tab)));
  }
  buffer_.erase(0, pos);

  if (!out.header("Transfer-Encoding").empty()) return Status::kUnsupportedBody;
  const auto length_text = out.header("Content-Length");
  if (!length_text.empty()) {
    std::uint64_t length = 0;
    const auto [end, ec] =
        std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
    if (ec != std::errc{} || end != length_text.data() + length_text.size()) {
      return Status::kBadRequest;
    }
    const auto now = std::min<std::uint64_t>(length, buffer_.size());
    buffer_.erase(0, static_cast<std::size_t>(now));
    body_to_skip_ = length - now;
  }
  return Status::kComplete;
}

}  // namespace crawler::testing
