// run_read_query: see read_query.hpp.
#include "storage/read_query.hpp"

#include "storage/crawl_store.hpp"
#include "storage/postgres/pg_read_query.hpp"
#include "storage/sqlite/read_query.hpp"

namespace crawler::storage {

void run_read_query(const std::string& db, const std::string& sql,
                    const std::function<void(const QueryColumns&)>& on_columns,
                    const std::function<void(const std::vector<Cell>&)>& on_row) {
  if (is_postgres_uri(db)) return run_pg_read_query(db, sql, on_columns, on_row);
  run_sqlite_read_query(db, sql, on_columns, on_row);
}

}  // namespace crawler::storage
