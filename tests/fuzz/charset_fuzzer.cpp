// Fuzzes charset detection and decoding: input is "content-type\nbody".
// Whatever the bytes and the label, the output is valid UTF-8.
#include <cstdint>
#include <cstdlib>

#include "parsers/charset.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = c < 0x80           ? 1
                         : (c >> 5) == 0x6  ? 2
                         : (c >> 4) == 0xe  ? 3
                         : (c >> 3) == 0x1e ? 4
                                            : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return false;
    i += length;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crawler::fuzz::FuzzInput input(data, size);
  std::string_view content_type = input.field();
  auto decoded = crawler::parsers::decode_html(input.rest(), content_type);
  if (!valid_utf8(decoded.utf8)) std::abort();
  crawler::parsers::canonical_encoding(content_type);
  return 0;
}
