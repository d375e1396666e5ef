// run_pg_read_query: CrawlReader::run_query on a PostgreSQL database. The statement
// must parse as one statement that returns rows, and it runs as the role
// kReaderRole (pg_read_all_data, nothing more) inside a SECURITY DEFINER
// function, in a READ ONLY transaction that is rolled back: even on a
// superuser's connection it cannot write files, run programs, signal
// backends or change the database. Without that role it refuses to run.
#pragma once

#include "storage/read_query.hpp"

namespace crawler::storage {

void run_pg_read_query(const std::string& uri, const std::string& sql,
                       const std::function<void(const QueryColumns&)>& on_columns,
                       const std::function<void(const std::vector<Cell>&)>& on_row,
                       std::chrono::milliseconds timeout);

}  // namespace crawler::storage
