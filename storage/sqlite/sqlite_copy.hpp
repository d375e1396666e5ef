// The SQLite side of copy_crawl (storage/crawl_copy.hpp).
#pragma once

#include <memory>
#include <string>

#include "storage/crawl_copy.hpp"

namespace crawler::storage::sqlite {

/// Reads the crawl in `path` (opened read-only).
std::unique_ptr<CopySource> open_copy_source(const std::string& path);
/// Creates or opens `path` for a copy; refuses one that holds a crawl.
std::unique_ptr<CopyTarget> open_copy_target(const std::string& path);

}  // namespace crawler::storage::sqlite
