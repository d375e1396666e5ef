// ParseArena: a bump allocator for one gumbo parse. gumbo allocates every
// node, attribute and string buffer separately and frees them one by one
// afterwards; with an arena, allocation is a pointer bump, frees are no-ops,
// and the whole tree goes at once. Single-threaded: use one per thread.
#pragma once

#include <cstddef>
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

 private:
  static constexpr std::size_t kBlockSize = 256 * 1024;
  static constexpr std::size_t kAlign = alignof(std::max_align_t);
  static constexpr std::size_t kKeptBlocks = 16;  // 4 MiB per pool thread at most

  std::vector<std::unique_ptr<std::byte[]>> blocks_;  // all kBlockSize
  std::vector<std::unique_ptr<std::byte[]>> large_;   // one allocation each
  std::size_t current_ = 0;                           // index of the block being filled
  std::byte* next_ = nullptr;
  std::size_t left_ = 0;
};

}  // namespace crawler::parsers
