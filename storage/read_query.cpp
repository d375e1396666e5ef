// run_read_query: see read_query.hpp.
#include "storage/read_query.hpp"

#include "storage/crawl_store.hpp"
#include "storage/postgres/pg_read_query.hpp"
#include "storage/sqlite/read_query.hpp"

namespace crawler::storage {

std::string timeout_refusal(std::chrono::milliseconds timeout) {
  std::int64_t ms = timeout.count();
  std::string limit =
      ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
  return "statement stopped: it ran longer than the query timeout (" + limit + ", --timeout)";
}

void run_read_query(const std::string& db, const std::string& sql,
                    const std::function<void(const QueryColumns&)>& on_columns,
                    const std::function<void(const std::vector<Cell>&)>& on_row,
                    std::chrono::milliseconds timeout) {
  if (is_postgres_uri(db)) return run_pg_read_query(db, sql, on_columns, on_row, timeout);
  run_sqlite_read_query(db, sql, on_columns, on_row, timeout);
}

}  // namespace crawler::storage
