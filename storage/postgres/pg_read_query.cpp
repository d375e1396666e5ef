// run_pg_read_query: see pg_read_query.hpp.
#include "storage/postgres/pg_read_query.hpp"

#include "storage/postgres/pg.hpp"

namespace crawler::storage {

namespace {

// Type OIDs from pg_type.h: integers come back as numbers, floats and
// numerics as reals, bytea as a blob's size, everything else as text.
constexpr Oid kInt8 = 20, kInt2 = 21, kInt4 = 23, kBytea = 17, kFloat4 = 700, kFloat8 = 701,
              kNumeric = 1700;

Cell cell_of(const pg::Result& result, int row, int column) {
  if (result.null(row, column)) return std::monostate{};
  switch (PQftype(result.get(), column)) {
    case kInt2:
    case kInt4:
    case kInt8:
      return result.int64(row, column);
    case kFloat4:
    case kFloat8:
    case kNumeric:
      return result.real(row, column);
    case kBytea:
      // Text format: "\x" and two hex digits a byte.
      return Blob{(result.text(row, column).size() - 2) / 2};
    default:
      return std::string(result.text(row, column));
  }
}

}  // namespace

void run_pg_read_query(const std::string& uri, const std::string& sql,
                       const std::function<void(const QueryColumns&)>& on_columns,
                       const std::function<void(const std::vector<Cell>&)>& on_row) {
  if (sql.find_first_not_of(" \t\r\n;") == std::string::npos)
    throw StorageError("no SQL statement given", Failure::kBadRequest);
  pg::Connection conn(uri);
  pg::Transaction transaction(conn);
  conn.exec("SET TRANSACTION READ ONLY");
  // One statement only: the extended protocol refuses several in one string.
  pg::Result result = conn.exec(sql);
  QueryColumns columns;
  int count = PQnfields(result.get());
  for (int i = 0; i < count; ++i) columns.names.emplace_back(PQfname(result.get(), i));
  on_columns(columns);
  std::vector<Cell> row(static_cast<std::size_t>(count));
  for (int r = 0; r < result.rows(); ++r) {
    for (int i = 0; i < count; ++i) row[static_cast<std::size_t>(i)] = cell_of(result, r, i);
    on_row(row);
  }
}

}  // namespace crawler::storage
