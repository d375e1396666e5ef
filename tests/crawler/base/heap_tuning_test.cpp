#include "crawler/base/heap_tuning.hpp"

#include <gtest/gtest.h>
#include <malloc.h>

#include <thread>
#include <vector>

namespace crawler {
namespace {

// The free top a heap keeps after a burst of allocations, measured on a
// thread of its own (so in a heap of its own, as each pool thread has).
std::size_t kept_after_a_burst() {
  std::size_t kept = 0;
  std::thread([&kept] {
    std::vector<void*> blocks;
    for (int i = 0; i < 64; ++i) blocks.push_back(malloc(64 * 1024));  // 4 MiB, below mmap's bar
    for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) free(*it);
    struct mallinfo2 info = mallinfo2();
    kept = info.fordblks;  // free bytes in the heaps, this thread's freed burst included
  }).join();
  return kept;
}

TEST(HeapTuning, AFreedBurstStaysInTheHeapForReuse) {
  ASSERT_TRUE(tune_heap());
  EXPECT_GE(kept_after_a_burst(), std::size_t{4} << 20)
      << "the heap gave a freed 4 MiB top back to the kernel";
}

}  // namespace
}  // namespace crawler
