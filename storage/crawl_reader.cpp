// open_crawl_reader: see crawl_reader.hpp. The one place where a database's
// name picks the backend that reads it.
#include "storage/crawl_reader.hpp"

#include <filesystem>
#include <system_error>

#include "storage/crawl_store.hpp"
#include "storage/postgres/pg.hpp"
#include "storage/postgres/pg_crawl_reader.hpp"
#include "storage/sqlite/sqlite_crawl_reader.hpp"

namespace crawler::storage {

namespace {

// "scheme://...": a URI rather than a file path (RFC 3986's scheme: a
// letter, then letters, digits, '+', '-' or '.').
bool has_uri_scheme(const std::string& db) {
  std::size_t end = db.find("://");
  if (end == std::string::npos || end == 0) return false;
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!letter(db[0])) return false;
  for (std::size_t i = 1; i < end; ++i) {
    char c = db[i];
    if (!letter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<CrawlReader> open_crawl_reader(const std::string& db) {
  if (is_postgres_uri(db)) return std::make_unique<PgCrawlReader>(db);
  if (has_uri_scheme(db))
    throw StorageError("cannot read '" + pg::redact_uri(db) +
                           "': not a database this crawler reads (a SQLite file path, or a "
                           "postgresql:// or postgres:// URI)",
                       Failure::kBadRequest);
  std::error_code error;
  if (!std::filesystem::exists(db, error))
    throw StorageError("no database at '" + db + "'" + (error ? ": " + error.message() : ""),
                       Failure::kBadRequest);
  return std::make_unique<SqliteCrawlReader>(db);
}

}  // namespace crawler::storage
