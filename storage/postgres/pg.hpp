// Thin RAII wrappers over libpq: Connection owns a PGconn*, Result a
// PGresult*. Statements are sent with parameters as text (never spliced into
// SQL). Every failure throws StorageError, classified from the SQLSTATE: a
// lost connection or a serialization failure is kBusy (try again), a full
// disk kFatal. Passwords never appear in messages: the URI is named without them.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/storage_error.hpp"

namespace crawler::storage::pg {

class Result {
 public:
  explicit Result(PGresult* result) : result_(result) {}
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  Result(Result&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
  Result& operator=(Result&&) = delete;
  ~Result() { PQclear(result_); }

  int rows() const { return PQntuples(result_); }
  bool null(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
  std::string_view text(int row, int column) const;
  std::int64_t int64(int row, int column) const;
  double real(int row, int column) const;
  PGresult* get() const { return result_; }

 private:
  PGresult* result_;
};

/// A parameter: text, SQL NULL, or bytes in its type's binary form, which
/// the server takes without parsing text (binary()).
class Param {
 public:
  Param() = default;                                    // NULL
  Param(std::string text) : value_(std::move(text)) {}  // NOLINT: text converts
  Param(const char* text) : value_(text) {}             // NOLINT
  static Param binary(std::string bytes) {
    Param param(std::move(bytes));
    param.binary_ = true;
    return param;
  }

  explicit operator bool() const { return value_.has_value(); }
  const std::string& operator*() const { return *value_; }
  const std::string* operator->() const { return &*value_; }
  bool is_binary() const { return binary_; }

 private:
  std::optional<std::string> value_;
  bool binary_ = false;
};

class Connection {
 public:
  /// Connects to `uri` (libpq's URI or key=value form); throws StorageError.
  /// `session_setup` (SQL, e.g. SET statements) runs after every connect and
  /// reconnect, since a new session starts from the server's defaults.
  explicit Connection(std::string uri, std::string session_setup = {});
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() = default;

  /// Runs `sql` with `params` ($1, $2, ...); the connection is re-established
  /// first if it was lost (one try: a failure then throws kBusy).
  Result exec(const std::string& sql, const std::vector<Param>& params = {});
  /// The same for a statement run again and again (a writer's): it is
  /// prepared once per session, so the server parses and plans it once.
  Result exec_prepared(const std::string& sql, const std::vector<Param>& params);
  /// Queues a statement whose result is not needed (an UPDATE, an INSERT
  /// without RETURNING). It is sent, prepared, with the next exec or
  /// exec_prepared, all in one round trip (libpq's pipeline mode); its
  /// failure is that call's.
  void defer(const std::string& sql, std::vector<Param> params = {});
  /// Forgets what was deferred (its transaction went with a lost session).
  void drop_deferred() { deferred_.clear(); }
  /// Prepares `sql` as the unnamed statement without running it, and returns
  /// the server's description of it: PQnfields, PQfname, PQftype and PQfmod
  /// give its result columns (none for a statement that returns no rows).
  /// Throws StorageError when the server refuses it (bad SQL, or several
  /// statements: Parse takes one).
  Result describe(const std::string& sql);
  /// Runs statements separated by semicolons, without parameters (a migration).
  void run_script(const std::string& sql);
  /// Whether the session is known to be gone (the next exec reconnects).
  bool lost() const { return !conn_ || PQstatus(conn_.get()) != CONNECTION_OK; }
  /// The URI as it may be shown: any password replaced by "***".
  const std::string& name() const { return name_; }

 private:
  void ensure_connected();
  Result checked(PGresult* raw);  // throws unless the statement succeeded
  [[noreturn]] void fail(const PGresult* result);
  // The statements deferred, then this one, in one pipeline.
  Result run_pipeline(const std::string& sql, const std::vector<Param>& params, bool prepare);
  // The name `sql` is prepared under in this session, and whether it is new.
  std::pair<const std::string*, bool> statement_name(const std::string& sql);
  // Parameter values as libpq takes them, repaired where PostgreSQL text cannot hold them.
  struct Values {
    std::vector<std::string> repaired;
    std::vector<const char*> pointers;
    std::vector<int> lengths, formats;  // empty when every parameter is text
    const int* lengths_or_null() const { return lengths.empty() ? nullptr : lengths.data(); }
    const int* formats_or_null() const { return formats.empty() ? nullptr : formats.data(); }
  };
  static Values values_of(const std::vector<Param>& params);

  std::string uri_;
  std::string session_setup_;
  std::string name_;
  // Owned from the moment libpq returns it, so a constructor that throws
  // (no server there) still finishes it.
  struct Finish {
    void operator()(PGconn* conn) const { PQfinish(conn); }
  };
  std::unique_ptr<PGconn, Finish> conn_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL -> name, in this session
  struct Deferred {
    std::string sql;
    std::vector<Param> params;
  };
  std::vector<Deferred> deferred_;
};

/// Runs a transaction on `conn`: BEGIN now (or, `deferred`, with the
/// transaction's first statement), ROLLBACK unless commit() ran.
class Transaction {
 public:
  explicit Transaction(Connection& conn, bool deferred = false);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& conn_;
  bool done_ = false;
};

/// A PostgreSQL array literal ({"a","b"}) of `items`, for $n::text[] or bigint[].
std::string array_literal(const std::vector<std::string>& items);
std::string array_literal(const std::vector<std::int64_t>& items);
/// The same with NULLs: an empty Param is an unquoted NULL element.
std::string array_literal(const std::vector<Param>& items);

/// A one-dimensional array in binary form, for $n::type[] with a binary
/// parameter: `element_type` is the elements' type OID (kTsvectorOid), and
/// each element is binary or NULL.
Param binary_array(unsigned element_type, const std::vector<Param>& items);
/// text[] in binary form, each element repaired as a text parameter is.
Param binary_text_array(const std::vector<Param>& items);
/// bigint[] in binary form.
Param binary_array(const std::vector<std::int64_t>& items);
constexpr unsigned kTsvectorOid = 3614;

/// bytea in text form ("\\x" and two hex digits a byte), both ways.
std::string bytea_literal(std::string_view bytes);
std::string bytes_of_bytea(std::string_view literal);

/// `uri` with the password (user:password@ or password=) replaced by ***.
std::string redact_uri(const std::string& uri);

}  // namespace crawler::storage::pg
