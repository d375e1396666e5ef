// ParseArena: see parse_arena.hpp.
#include "parsers/parse_arena.hpp"

#include <ctime>

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

void* ParseArena::gumbo_allocate(void* userdata, std::size_t size) {
  auto* arena = static_cast<ParseArena*>(userdata);
  if (arena->escape_ && --arena->until_check_ == 0) arena->check_deadline();
  return arena->allocate(size);
}

void ParseArena::arm(std::jmp_buf* escape, std::int64_t deadline_ns,
                     const std::atomic<bool>* cancel) {
  escape_ = escape;
  deadline_ns_ = deadline_ns;
  cancel_ = cancel;
  until_check_ = kCheckEvery;
}

// Nothing with a destructor lives here or in gumbo's frames below: the
// jump skips only C frames and this one.
void ParseArena::check_deadline() {
  until_check_ = kCheckEvery;
  bool cancelled = cancel_ && cancel_->load(std::memory_order_relaxed);
  if (cancelled || thread_cpu_ns() >= deadline_ns_) {
    std::jmp_buf* escape = escape_;
    escape_ = nullptr;
    std::longjmp(*escape, 1);
  }
}

std::int64_t thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

}  // namespace crawler::parsers
