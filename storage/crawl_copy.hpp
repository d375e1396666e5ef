// copy_crawl: moves a whole crawl, frontier included, from one database to
// another, either way between SQLite and PostgreSQL (`crawler copy`). Every
// table is copied row for row with its ids, so the copy is the same crawl:
// resumed there, it fetches nothing the original fetched. The target must
// hold no crawl yet, and is written in one transaction: a copy that fails
// leaves it as it was.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace crawler::storage {

/// How a column's value travels: bytes that are text in SQLite (kept
/// requests and heads) or a blob are bytea in PostgreSQL; a flag is an
/// integer 0 or 1 in SQLite and a boolean in PostgreSQL.
enum class ColumnKind { kInteger, kReal, kText, kRawText, kBlob, kBoolean };

struct CopyColumn {
  const char* name;
  ColumnKind kind;
};

/// A table as both schemas hold it, with the column that orders its rows.
struct CopyTable {
  const char* name;
  std::vector<CopyColumn> columns;
  const char* order_by;
};

/// A cell: NULL, an integer, a real, or bytes (text or blob, as its column says).
using CopyCell = std::variant<std::monostate, std::int64_t, double, std::string>;
using CopyRow = std::vector<CopyCell>;

/// "a, b, c": the table's columns, for a SELECT or an INSERT.
std::string column_list(const CopyTable& table);

/// The tables a crawl is, in an order that satisfies their references
/// (urls.found_on, which points at pages, is no foreign key).
const std::vector<CopyTable>& copied_tables();

class CopySource {
 public:
  virtual ~CopySource() = default;
  /// Calls `on_row` for every row of `table`, in order.
  virtual void rows(const CopyTable& table, const std::function<void(const CopyRow&)>& on_row) = 0;
};

class CopyTarget {
 public:
  virtual ~CopyTarget() = default;
  virtual void insert(const CopyTable& table, const std::vector<CopyRow>& rows) = 0;
  /// Builds what is derived (the full-text index, sequences) and commits.
  virtual void commit() = 0;
};

class CrawlReader;  // crawl_reader.hpp

/// Copies the crawl `from` reads into `to` (a SQLite path or a postgresql://
/// URI, opened by open_copy_target); `on_table` hears each table's row
/// count when it is done. Throws StorageError (kBadRequest when `to`
/// already holds a crawl).
void copy_crawl(const CrawlReader& from, const std::string& to,
                const std::function<void(const std::string& table, std::int64_t rows)>& on_table);

}  // namespace crawler::storage
