// unix_ms_now: wall-clock time as Unix milliseconds, the unit the database
// stores times in. (Intervals and deadlines use steady_clock instead.)
#pragma once

#include <chrono>
#include <cstdint>

namespace crawler {

inline std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace crawler
