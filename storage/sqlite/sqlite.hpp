// Thin RAII wrappers over the SQLite C API: Database owns a sqlite3*,
// Statement owns a sqlite3_stmt* and finalizes it in its destructor. Every
// failure throws StorageError carrying SQLite's own message; callers at a
// boundary (a command, the writer) turn it into a value.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "storage/storage_error.hpp"

namespace crawler::storage {

/// The StorageError for SQLite result code `code` (extended or primary):
/// busy and locked are worth another try, a full disk or a damaged file is fatal.
StorageError sqlite_error(const std::string& message, int code);

class Statement;

class Database {
 public:
  /// Opens `path` with sqlite3_open_v2 `flags`; throws StorageError naming the path.
  Database(const std::string& path, int flags);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  Database(Database&& other) noexcept;
  Database& operator=(Database&&) = delete;
  ~Database();

  sqlite3* get() const { return db_; }
  const std::string& path() const { return path_; }

  /// Runs one or more statements that return no rows.
  void exec(const std::string& sql);
  Statement prepare(std::string_view sql);
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }

  [[noreturn]] void fail(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Statement {
 public:
  Statement(const Database& db, std::string_view sql);
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  sqlite3_stmt* get() const { return stmt_; }

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_null(int index);

  /// Steps once: true when a row is ready, false when done.
  bool step();
  /// Steps to completion, then resets for reuse.
  void run();
  void reset();

  std::int64_t column_int(int column) const { return sqlite3_column_int64(stmt_, column); }
  /// The column as text; empty for NULL. Valid until the next step or reset.
  std::string_view column_text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    return text ? std::string_view(reinterpret_cast<const char*>(text),
                                   static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
                : std::string_view();
  }

 private:
  const Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

/// Commits on commit(), rolls back if destroyed before.
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace crawler::storage
