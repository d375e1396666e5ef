// tune_heap: the process's malloc settings, made once at start.
//
// Why: glibc hands the free top of a heap back to the kernel once it passes
// 128 KiB (M_TRIM_THRESHOLD), raising that bar only after a large mmapped
// block has been freed. The writer's SQLite statements each allocate and
// free about that much (a RETURNING clause's ephemeral table, a statement
// journal), so in some crawls, depending on whether the writer's thread's
// heap had raised the bar yet, every statement cost an madvise, page faults
// and the TLB shootdowns they bring: the writer spent seconds there while
// the other threads waited on it (bench/README.md, crawl_site). A fixed 8 MiB keeps
// that memory for reuse; glibc's own dynamic bar may reach 64 MiB.
#pragma once

#include <cstddef>

namespace crawler {

inline constexpr std::size_t kHeapTrimThreshold = 8u << 20;

/// Sets the heap's trim threshold to kHeapTrimThreshold. False if refused.
bool tune_heap();

}  // namespace crawler
