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

inline constexpr int kSchemaVersion = 9;

/// The role `crawler query` reads as: NOLOGIN, granted pg_read_all_data and
/// nothing else, and granted to the roles that run `query`.
inline constexpr const char* kReaderRole = "crawler_reader";

/// Creates kReaderRole when it is missing and the connected role may create
/// roles (a superuser, or CREATEROLE), and grants it to the connected role.
/// Roles belong to the cluster, not the database, so this is no schema
/// version: it runs with every migrate(). Without that right it does nothing
/// (`query` then says what an administrator must run).
void ensure_reader_role(Connection& conn);

/// Creates or migrates the schema (to `target`: tests make older ones),
/// under an advisory lock so that workers starting together migrate once.
/// Throws StorageError for a newer schema. Then ensure_reader_role().
void migrate(Connection& conn, int target = kSchemaVersion);

}  // namespace crawler::storage::pg
