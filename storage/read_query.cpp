// timeout_refusal: see read_query.hpp.
#include "storage/read_query.hpp"

namespace crawler::storage {

std::string timeout_refusal(std::chrono::milliseconds timeout) {
  std::int64_t ms = timeout.count();
  std::string limit =
      ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
  return "statement stopped: it ran longer than the query timeout (" + limit + ", --timeout)";
}

}  // namespace crawler::storage
