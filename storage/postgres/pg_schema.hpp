// The PostgreSQL schema: the tables and views users query have the SQLite
// schema's names, columns and meaning (docs/schema.md), so the examples
// there run on either. Differences: ids are bigint identities, times the same
// ISO 8601 text, full-text search is a tsvector column `search` (title
// weighted A, text B) with a GIN index instead of pages_fts, and a kept
// exchange's request and head are bytea: the bytes as they were sent, which
// need not be UTF-8 (PostgreSQL text must be).
#pragma once

#include <string>
#include <string_view>

#include "storage/postgres/pg.hpp"

namespace crawler::storage::pg {

inline constexpr int kSchemaVersion = 4;

/// Creates or migrates the schema (to `target`: tests make older ones),
/// under an advisory lock so that workers starting together migrate once.
/// Throws StorageError for a newer schema.
void migrate(Connection& conn, int target = kSchemaVersion);

}  // namespace crawler::storage::pg
