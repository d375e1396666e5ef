// Reader: what the read commands and `crawler copy` read a PostgreSQL crawl
// through. One connection inside one REPEATABLE READ, READ ONLY transaction
// (one snapshot; rolled back when done, as it changed nothing), refusing a
// database that holds no crawl; and a walk over a query's rows through a
// cursor, a batch at a time, so a table of millions of rows is never held
// in memory whole.
#pragma once

#include <functional>
#include <string>

#include "storage/postgres/pg.hpp"

namespace crawler::storage::pg {

class Reader {
 public:
  /// Throws StorageError (kBadRequest when the database holds no crawl).
  explicit Reader(const std::string& uri);
  Connection& conn() { return conn_; }

  /// Calls `on_row(batch, row)` for every row of `sql`, in order.
  void for_each_row(const std::string& sql, const std::function<void(const Result&, int)>& on_row);

 private:
  Connection conn_;
  Transaction transaction_;
};

}  // namespace crawler::storage::pg
