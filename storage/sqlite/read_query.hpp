// ReadQuery: runs one read-only SQL statement given by a user against a
// crawl database, opened read-only so the file cannot change. A write
// statement, more than one statement, or bad SQL is refused with SQLite's
// message before any row is produced.
#pragma once

#include "storage/read_query.hpp"

namespace crawler::storage {

/// CrawlReader::run_query on the SQLite file at `path`.
void run_sqlite_read_query(const std::string& path, const std::string& sql,
                           const std::function<void(const QueryColumns&)>& on_columns,
                           const std::function<void(const std::vector<Cell>&)>& on_row,
                           std::chrono::milliseconds timeout);

}  // namespace crawler::storage
