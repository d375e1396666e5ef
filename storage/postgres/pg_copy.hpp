// The PostgreSQL side of copy_crawl (storage/crawl_copy.hpp).
#pragma once

#include <memory>
#include <string>

#include "storage/crawl_copy.hpp"

namespace crawler::storage::pg {

/// Reads the crawl at `uri` in one READ ONLY transaction (one snapshot).
std::unique_ptr<CopySource> open_copy_source(const std::string& uri);
/// Creates or migrates the schema at `uri` for a copy; refuses one that holds a crawl.
std::unique_ptr<CopyTarget> open_copy_target(const std::string& uri);

}  // namespace crawler::storage::pg
