// ParseArena: see parse_arena.hpp.
#include "parsers/parse_arena.hpp"

namespace crawler::parsers {

void* ParseArena::allocate(std::size_t size) {
  size = (size + kAlign - 1) & ~(kAlign - 1);
  if (size > kBlockSize / 4) {
    large_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
    return large_.back().get();
  }
  if (size > left_) {
    blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(kBlockSize));
    next_ = blocks_.back().get();
    left_ = kBlockSize;
  }
  void* out = next_;
  next_ += size;
  left_ -= size;
  return out;
}

void ParseArena::reset() {
  large_.clear();
  if (blocks_.empty()) return;
  blocks_.resize(1);
  next_ = blocks_.front().get();
  left_ = kBlockSize;
}

void* ParseArena::gumbo_allocate(void* arena, std::size_t size) {
  return static_cast<ParseArena*>(arena)->allocate(size);
}

}  // namespace crawler::parsers
