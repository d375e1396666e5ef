// Reader: see pg_reader.hpp.
#include "storage/postgres/pg_reader.hpp"

namespace crawler::storage::pg {

Reader::Reader(const std::string& uri) : conn_(uri), transaction_(conn_) {
  conn_.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  if (conn_.exec("SELECT to_regclass('pages') IS NULL").text(0, 0) == "t")
    throw StorageError("PostgreSQL database '" + conn_.name() + "' holds no crawl (no pages table)",
                       Failure::kBadRequest);
}

void Reader::for_each_row(const std::string& sql,
                          const std::function<void(const Result&, int)>& on_row) {
  constexpr int kBatch = 1000;
  conn_.exec("DECLARE walk NO SCROLL CURSOR FOR " + sql);
  for (;;) {
    Result batch = conn_.exec("FETCH " + std::to_string(kBatch) + " FROM walk");
    for (int row = 0; row < batch.rows(); ++row) on_row(batch, row);
    if (batch.rows() < kBatch) break;
  }
  conn_.exec("CLOSE walk");
}

}  // namespace crawler::storage::pg
