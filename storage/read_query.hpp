// The values of CrawlReader::run_query (storage/crawl_reader.hpp), which
// runs one read-only SQL statement given by a user against a crawl
// database, SQLite file or PostgreSQL, in a way that cannot change it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace crawler::storage {

struct Blob {
  std::size_t size = 0;
};
using Cell = std::variant<std::monostate, std::int64_t, double, std::string, Blob>;

struct QueryColumns {
  std::vector<std::string> names;
};

/// The message of a statement stopped by run_query's `timeout`.
std::string timeout_refusal(std::chrono::milliseconds timeout);

}  // namespace crawler::storage
