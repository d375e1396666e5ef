// The crawl database schema and its migrations, versioned with
// PRAGMA user_version. open_crawl_database() is the one way a writer opens a
// database: WAL mode, schema brought up to date, and a clear refusal for a
// file that is not an SQLite database or comes from a newer crawler.
#pragma once

#include <string>

#include "storage/sqlite/sqlite.hpp"

namespace crawler::storage {

inline constexpr int kSchemaVersion = 9;

/// Opens (creating if needed) the crawl database at `path` for writing.
/// Throws StorageError with a message naming the path.
Database open_crawl_database(const std::string& path);

/// Registers the SQL functions the schema and the writer use (crawl_host).
void add_crawl_functions(Database& db);

}  // namespace crawler::storage
