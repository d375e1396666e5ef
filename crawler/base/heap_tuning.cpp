// tune_heap: see heap_tuning.hpp.
#include "crawler/base/heap_tuning.hpp"

#include <malloc.h>

namespace crawler {

bool tune_heap() {
  return mallopt(M_TRIM_THRESHOLD, static_cast<int>(kHeapTrimThreshold)) == 1;
}

}  // namespace crawler
