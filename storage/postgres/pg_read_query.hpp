// run_pg_read_query: run_read_query on a PostgreSQL database, inside a
// READ ONLY transaction that is rolled back: the server itself refuses writes.
#pragma once

#include "storage/read_query.hpp"

namespace crawler::storage {

void run_pg_read_query(const std::string& uri, const std::string& sql,
                       const std::function<void(const QueryColumns&)>& on_columns,
                       const std::function<void(const std::vector<Cell>&)>& on_row);

}  // namespace crawler::storage
