// The SQLite side of copy_crawl: see sqlite_copy.hpp.
#include "storage/sqlite/sqlite_copy.hpp"

#include <map>

#include "storage/sqlite/crawl_queries.hpp"
#include "storage/sqlite/schema.hpp"
#include "storage/sqlite/sqlite.hpp"

namespace crawler::storage::sqlite {

namespace {

class Source final : public CopySource {
 public:
  explicit Source(const std::string& path) : db_(open_for_reading(path)) {}

  void rows(const CopyTable& table, const std::function<void(const CopyRow&)>& on_row) override {
    Statement stmt(db_, "SELECT " + column_list(table) + " FROM " + table.name + " ORDER BY " +
                            table.order_by);
    CopyRow row(table.columns.size());
    while (stmt.step()) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        int column = static_cast<int>(i);
        if (sqlite3_column_type(stmt.get(), column) == SQLITE_NULL) {
          row[i] = std::monostate{};
        } else if (table.columns[i].kind == ColumnKind::kInteger ||
                   table.columns[i].kind == ColumnKind::kBoolean) {
          row[i] = stmt.column_int(column);
        } else if (table.columns[i].kind == ColumnKind::kReal) {
          row[i] = sqlite3_column_double(stmt.get(), column);
        } else {  // the bytes as stored, text or blob
          const void* bytes = sqlite3_column_blob(stmt.get(), column);
          row[i] = std::string(static_cast<const char*>(bytes),
                               static_cast<std::size_t>(sqlite3_column_bytes(stmt.get(), column)));
        }
      }
      on_row(row);
    }
  }

 private:
  Database db_;
};

class Target final : public CopyTarget {
 public:
  explicit Target(const std::string& path) : db_(open_crawl_database(path)) {
    Statement count(db_, "SELECT count(*) FROM urls");
    count.step();
    if (count.column_int(0) > 0)
      throw StorageError("database '" + path + "' holds a crawl already; copy into a new one",
                         Failure::kBadRequest);
    transaction_.emplace(db_);
    db_.exec("PRAGMA defer_foreign_keys = ON");  // urls.found_on names pages not copied yet
  }

  void insert(const CopyTable& table, const std::vector<CopyRow>& rows) override {
    auto it = inserts_.find(table.name);
    if (it == inserts_.end()) {
      std::string marks;
      for (std::size_t i = 0; i < table.columns.size(); ++i) marks += i ? ", ?" : "?";
      it = inserts_
               .emplace(table.name,
                        Statement(db_, "INSERT INTO " + std::string(table.name) + "(" +
                                           column_list(table) + ") VALUES (" + marks + ")"))
               .first;
    }
    Statement& stmt = it->second;
    for (const CopyRow& row : rows) {
      for (std::size_t i = 0; i < row.size(); ++i) bind(stmt, table.columns[i], i, row[i]);
      stmt.run();
    }
  }

  void commit() override {
    inserts_.clear();
    // New pages enter the index as the writer puts them there: those marked indexed.
    db_.exec(
        "INSERT INTO pages_fts(rowid, title, text) SELECT id, title, text FROM pages"
        " WHERE indexed = 1");
    transaction_->commit();
  }

 private:
  static void bind(Statement& stmt, const CopyColumn& column, std::size_t i, const CopyCell& cell) {
    int index = static_cast<int>(i) + 1;
    if (const auto* number = std::get_if<std::int64_t>(&cell)) {
      stmt.bind(index, *number);
    } else if (const auto* real = std::get_if<double>(&cell)) {
      stmt.bind(index, *real);
    } else if (const auto* bytes = std::get_if<std::string>(&cell)) {
      if (column.kind != ColumnKind::kBlob) {
        stmt.bind(index, std::string_view(*bytes));
      } else if (sqlite3_bind_blob64(stmt.get(), index, bytes->data(), bytes->size(),
                                     SQLITE_TRANSIENT) != SQLITE_OK) {
        throw sqlite_error("cannot bind a blob", SQLITE_ERROR);
      }
    } else {
      stmt.bind_null(index);
    }
  }

  Database db_;
  std::optional<Transaction> transaction_;
  std::map<std::string, Statement> inserts_;
};

}  // namespace

std::unique_ptr<CopySource> open_copy_source(const std::string& path) {
  return std::make_unique<Source>(path);
}

std::unique_ptr<CopyTarget> open_copy_target(const std::string& path) {
  return std::make_unique<Target>(path);
}

}  // namespace crawler::storage::sqlite
