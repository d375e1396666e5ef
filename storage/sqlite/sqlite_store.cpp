// SqliteStore: see sqlite_store.hpp.
#include "storage/sqlite/sqlite_store.hpp"

namespace crawler::storage {

namespace {

std::unique_ptr<WriterLock> lock_if(bool exclusive, const std::string& path) {
  return exclusive ? std::make_unique<WriterLock>(path) : nullptr;
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, const StoreOptions& options)
    : path_(path),
      lock_(lock_if(options.exclusive_writer, path)),
      writer_(path, options.index_text),
      queued_(path),
      seen_(path),
      robots_(path) {}

}  // namespace crawler::storage
