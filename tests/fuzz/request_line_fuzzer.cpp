// Fuzzes the serve endpoint's request line parser: what it accepts is a
// token method and a visible target, slices of the input.
#include <cstdint>
#include <cstdlib>

#include "crawler/async/request_line.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view head(reinterpret_cast<const char*>(data), size);
  auto line = crawler::async::parse_request_line(head);
  if (line && (line->method.empty() || line->target.empty() || line->method.data() != head.data() ||
               line->target.find(' ') != std::string_view::npos))
    std::abort();
  return 0;
}
