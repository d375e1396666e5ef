// open_crawl_store and open_copy_target: see crawl_store.hpp. With
// open_crawl_reader (crawl_reader.cpp), the only places where a database's
// name picks a backend.
#include "storage/crawl_store.hpp"

#include "storage/crawl_copy.hpp"
#include "storage/postgres/pg_copy.hpp"
#include "storage/postgres/pg_store.hpp"
#include "storage/sqlite/sqlite_copy.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace crawler::storage {

bool is_postgres_uri(const std::string& db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::string display_name(const std::string& db) {
  return is_postgres_uri(db) ? pg::redact_uri(db) : db;
}

std::unique_ptr<CrawlStore> open_crawl_store(const std::string& db, const StoreOptions& options) {
  if (is_postgres_uri(db)) return std::make_unique<PgStore>(db, options);
  return std::make_unique<SqliteStore>(db, options);
}

std::unique_ptr<CopyTarget> open_copy_target(const std::string& db) {
  return is_postgres_uri(db) ? pg::open_copy_target(db) : sqlite::open_copy_target(db);
}

}  // namespace crawler::storage
