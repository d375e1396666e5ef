// run_read_query: runs one read-only SQL statement given by a user against
// a crawl database, SQLite file or PostgreSQL, in a way that cannot change
// it. A write statement, more than one statement, or bad SQL is refused with
// the engine's message before any row is produced.
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

/// Streams the rows of `sql` run on the database `db` names (a SQLite
/// path or a postgresql:// URI). Throws StorageError when refused. A
/// `timeout` above zero bounds the statement's run: past it, the statement
/// is cancelled and StorageError thrown (rows already given stay given).
void run_read_query(const std::string& db, const std::string& sql,
                    const std::function<void(const QueryColumns&)>& on_columns,
                    const std::function<void(const std::vector<Cell>&)>& on_row,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds::zero());

/// The message of a statement stopped by run_read_query's `timeout`.
std::string timeout_refusal(std::chrono::milliseconds timeout);

}  // namespace crawler::storage
