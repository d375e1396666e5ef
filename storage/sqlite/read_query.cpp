// ReadQuery: see read_query.hpp.
#include "storage/sqlite/read_query.hpp"

#include <chrono>
#include <string_view>

#include "parsers/ascii.hpp"
#include "storage/sqlite/sqlite.hpp"

namespace crawler::storage {

namespace {

// True when `rest` holds only whitespace and SQL comments.
bool only_trivia(std::string_view rest) {
  while (!rest.empty()) {
    if (parsers::is_ascii_space(rest.front()) || rest.front() == ';') {
      rest.remove_prefix(1);
    } else if (rest.starts_with("--")) {
      auto end = rest.find('\n');
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    } else if (rest.starts_with("/*")) {
      auto end = rest.find("*/");
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 2);
    } else {
      return false;
    }
  }
  return true;
}

// A PRAGMA that only reads a setting (no "=" and no argument), such as
// "PRAGMA user_version". SQLite does not call these read-only, but on a
// connection opened read-only they cannot change the file.
bool is_reading_pragma(std::string_view sql) {
  sql = parsers::trim_ascii_space(sql);
  return parsers::ascii_istarts_with(sql, "PRAGMA") &&
         sql.find_first_of("=(") == std::string_view::npos;
}

}  // namespace

void run_sqlite_read_query(const std::string& path, const std::string& sql,
                           const std::function<void(const QueryColumns&)>& on_columns,
                           const std::function<void(const std::vector<Cell>&)>& on_row,
                           std::chrono::milliseconds timeout) {
  Database db(path, SQLITE_OPEN_READONLY);
  // Past the deadline SQLite's progress handler interrupts the statement
  // (sqlite3_step returns SQLITE_INTERRUPT); it is asked every 10,000 steps
  // of the VM, which is well under a millisecond.
  using Clock = std::chrono::steady_clock;
  Clock::time_point deadline = Clock::now() + timeout;
  if (timeout > std::chrono::milliseconds::zero())
    sqlite3_progress_handler(
        db.get(), 10000,
        [](void* at) { return Clock::now() > *static_cast<Clock::time_point*>(at) ? 1 : 0; },
        &deadline);
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db.get(), sql.c_str(), static_cast<int>(sql.size()), &raw, &tail) !=
      SQLITE_OK)
    throw sqlite_error(sqlite3_errmsg(db.get()), sqlite3_errcode(db.get()));
  struct Finalize {
    sqlite3_stmt* stmt;
    ~Finalize() { sqlite3_finalize(stmt); }
  } finalize{raw};
  if (!raw) throw sqlite_error("no SQL statement given", SQLITE_MISUSE);
  if (!only_trivia(tail ? std::string_view(tail) : std::string_view()))
    throw sqlite_error("only one SQL statement may be given", SQLITE_MISUSE);
  if (!sqlite3_stmt_readonly(raw) && !is_reading_pragma(sql))
    throw sqlite_error("refused: the statement would write to the database", SQLITE_READONLY);

  QueryColumns columns;
  int count = sqlite3_column_count(raw);
  for (int i = 0; i < count; ++i) columns.names.emplace_back(sqlite3_column_name(raw, i));
  on_columns(columns);

  std::vector<Cell> row(static_cast<std::size_t>(count));
  for (;;) {
    int rc = sqlite3_step(raw);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_INTERRUPT) throw sqlite_error(timeout_refusal(timeout), rc);
    if (rc != SQLITE_ROW) throw sqlite_error(sqlite3_errmsg(db.get()), rc);
    for (int i = 0; i < count; ++i) {
      auto& cell = row[static_cast<std::size_t>(i)];
      switch (sqlite3_column_type(raw, i)) {
        case SQLITE_INTEGER:
          cell = sqlite3_column_int64(raw, i);
          break;
        case SQLITE_FLOAT:
          cell = sqlite3_column_double(raw, i);
          break;
        case SQLITE_TEXT:
          cell = std::string(reinterpret_cast<const char*>(sqlite3_column_text(raw, i)),
                             static_cast<std::size_t>(sqlite3_column_bytes(raw, i)));
          break;
        case SQLITE_BLOB:
          cell = Blob{static_cast<std::size_t>(sqlite3_column_bytes(raw, i))};
          break;
        default:
          cell = std::monostate{};
      }
    }
    on_row(row);
  }
}

}  // namespace crawler::storage
