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
    current_ = blocks_.empty() ? 0 : current_ + 1;
    if (current_ >= blocks_.size())
      blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(kBlockSize));
    next_ = blocks_[current_].get();
    left_ = kBlockSize;
  }
  void* out = next_;
  next_ += size;
  left_ -= size;
  return out;
}

void ParseArena::reset() {
  large_.clear();
  // Blocks are kept for the next page: handing them back to malloc and
  // taking them again costs an mprotect per block, and mprotect serializes
  // every thread's page faults. Only a page that needed many goes back.
  if (blocks_.size() > kKeptBlocks) blocks_.resize(kKeptBlocks);
  current_ = 0;
  next_ = blocks_.empty() ? nullptr : blocks_.front().get();
  left_ = blocks_.empty() ? 0 : kBlockSize;
}

void* ParseArena::gumbo_allocate(void* arena, std::size_t size) {
  return static_cast<ParseArena*>(arena)->allocate(size);
}

}  // namespace crawler::parsers
