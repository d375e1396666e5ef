// open_crawl_store: see crawl_store.hpp.
#include "storage/crawl_store.hpp"

#include "storage/postgres/pg_store.hpp"
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

}  // namespace crawler::storage
