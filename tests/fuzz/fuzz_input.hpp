// FuzzInput: splits a fuzzer's bytes into the fields a harness needs, so
// one input drives several arguments (a base and an href, a content type
// and a body). Fields are separated by a newline; the last takes the rest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace crawler::fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  /// The next field, up to (not including) the next newline.
  std::string_view field() {
    auto end = rest_.find('\n');
    std::string_view out = rest_.substr(0, end);
    rest_ = end == std::string_view::npos ? std::string_view() : rest_.substr(end + 1);
    return out;
  }
  /// Everything not taken yet.
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

}  // namespace crawler::fuzz
