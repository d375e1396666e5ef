// Fuzzes the serve endpoint's head parsers: what the request line parser
// accepts is a token method and a visible target; header fields are
// slices of the input, names without a colon, values trimmed.
#include <cstdint>
#include <cstdlib>

#include "crawler/async/request_line.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view head(reinterpret_cast<const char*>(data), size);
  auto line = crawler::async::parse_request_line(head);
  if (line && (line->method.empty() || line->target.empty() || line->method.data() != head.data() ||
               line->target.find(' ') != std::string_view::npos))
    std::abort();
  auto inside = [&](std::string_view part) {
    return part.data() >= head.data() && part.data() + part.size() <= head.data() + head.size();
  };
  for (auto [name, value] : crawler::async::parse_header_fields(head)) {
    if (!inside(name) || !inside(value) || name.find(':') != std::string_view::npos ||
        name.find("\r\n") != std::string_view::npos || value.find("\r\n") != std::string_view::npos)
      std::abort();
    if (!value.empty() && (value.front() == ' ' || value.back() == ' ')) std::abort();
  }
  return 0;
}
