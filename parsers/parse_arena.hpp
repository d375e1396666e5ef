// ParseArena: a bump allocator for one gumbo parse. gumbo allocates every
// node, attribute and string buffer separately and frees them one by one
// afterwards; with an arena, allocation is a pointer bump, frees are no-ops,
// and the whole tree goes at once. Single-threaded: use one per thread.
//
// The arena is also the one place gumbo calls back into us, often (every
// node, attribute and buffer), so it is where a parse is stopped: armed
// with a deadline, an allocation past it jumps out of gumbo (see
// parse_within in html_page.cpp). That abandons nothing but arena blocks,
// since every byte gumbo holds is in them.
#pragma once

#include <atomic>
#include <csetjmp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace crawler::parsers {

class ParseArena {
 public:
  ParseArena() = default;
  ParseArena(const ParseArena&) = delete;
  ParseArena& operator=(const ParseArena&) = delete;

  void* allocate(std::size_t size);

  /// Forgets every allocation; keeps the first block for the next parse.
  void reset();

  /// For GumboOptions: allocator(userdata = this, size) and a no-op deallocator.
  static void* gumbo_allocate(void* arena, std::size_t size);
  static void gumbo_deallocate(void*, void*) {}

  /// From now on, an allocation made once the calling thread's CPU time
  /// passes `deadline_ns` (see thread_cpu_ns), or once `*cancel` is set,
  /// longjmps to `escape` instead of returning.
  void arm(std::jmp_buf* escape, std::int64_t deadline_ns, const std::atomic<bool>* cancel);
  void disarm() { escape_ = nullptr; }

 private:
  // The deadline is read every kCheckEvery allocations: the thread's CPU
  // clock is a system call, and gumbo allocates far more often than that.
  static constexpr unsigned kCheckEvery = 64;

  void check_deadline();

  static constexpr std::size_t kBlockSize = 256 * 1024;
  static constexpr std::size_t kAlign = alignof(std::max_align_t);
  static constexpr std::size_t kKeptBlocks = 16;  // 4 MiB per pool thread at most

  std::vector<std::unique_ptr<std::byte[]>> blocks_;  // all kBlockSize
  std::vector<std::unique_ptr<std::byte[]>> large_;   // one allocation each
  std::size_t current_ = 0;                           // index of the block being filled
  std::byte* next_ = nullptr;
  std::size_t left_ = 0;

  std::jmp_buf* escape_ = nullptr;
  std::int64_t deadline_ns_ = 0;
  const std::atomic<bool>* cancel_ = nullptr;
  unsigned until_check_ = kCheckEvery;
};

/// CPU time the calling thread has used, in nanoseconds.
std::int64_t thread_cpu_ns();

}  // namespace crawler::parsers
