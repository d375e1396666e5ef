// run_pg_read_query: see pg_read_query.hpp. The guards, each for a reason
// found by trying it (issue 21):
// - Parse takes one statement, but it does take COPY, SET, DO and other
//   commands: the statement must also be described as returning rows.
// - SET LOCAL ROLE alone is undone by the statement itself on a superuser's
//   connection (SELECT set_config('role', 'none', true), then any function
//   that runs SQL, such as query_to_xml): PostgreSQL refuses to change
//   `role` or `session_authorization` only inside a SECURITY DEFINER
//   function. So the statement runs in one, made for this transaction in
//   pg_temp by the reader role (its owner), and gone with the rollback.
// - READ ONLY stops writes to tables, not COPY TO PROGRAM, files, signals
//   or large objects: the reader role's lack of rights stops the first
//   three, and a statement after which the transaction has an ID (it wrote)
//   is refused.
#include "storage/postgres/pg_read_query.hpp"

#include <optional>
#include <string>

#include "storage/postgres/pg.hpp"
#include "storage/postgres/pg_schema.hpp"

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

// Whether the reader role exists, the connected role may act as it, and it
// can read and no more: a reader made a superuser, or given one of the
// roles that reach outside the database, would make the guard a sham.
void check_reader_role(pg::Connection& conn) {
  const std::string reader = pg::kReaderRole;
  pg::Result found = conn.exec(
      "SELECT r.oid IS NOT NULL, "
      "  r.oid IS NOT NULL AND pg_has_role(current_user, r.oid, 'MEMBER'), "
      "  r.oid IS NOT NULL AND pg_has_role(r.oid, 'pg_read_all_data', 'USAGE'), "
      "  r.oid IS NOT NULL AND NOT r.rolsuper AND NOT EXISTS ("
      "    SELECT FROM unnest(ARRAY['pg_execute_server_program', 'pg_write_server_files', "
      "      'pg_read_server_files', 'pg_signal_backend', 'pg_write_all_data']) AS wide(name) "
      "    WHERE pg_has_role(r.oid, wide.name, 'MEMBER')), "
      "  quote_ident(current_user) "
      "FROM (SELECT 1) AS one LEFT JOIN pg_roles r ON r.rolname = $1",
      {reader});
  auto yes = [&](int column) { return found.text(0, column) == "t"; };
  std::string me(found.text(0, 4));
  std::string create = "CREATE ROLE " + reader + " NOLOGIN; GRANT pg_read_all_data TO " + reader +
                       "; GRANT " + reader + " TO " + me + ";";
  if (!yes(0))
    throw StorageError("refused: query runs as the read-only role " + reader +
                           ", which this cluster does not have. A superuser can create it "
                           "(a crawl connected as one does so too): " +
                           create,
                       Failure::kBadRequest);
  if (!yes(1))
    throw StorageError("refused: query runs as the read-only role " + reader + ", and role " + me +
                           " may not act as it. A superuser can allow it: GRANT " + reader +
                           " TO " + me + ";",
                       Failure::kBadRequest);
  if (!yes(2))
    throw StorageError("refused: the role " + reader +
                           " cannot read the crawl. A superuser can allow it: "
                           "GRANT pg_read_all_data TO " +
                           reader + ";",
                       Failure::kBadRequest);
  if (!yes(3))
    throw StorageError("refused: the role " + reader +
                           " can do more than read (it is a superuser, or a member of a role "
                           "that reaches files, programs or other sessions); query will not "
                           "run as it",
                       Failure::kBadRequest);
}

// The function the statement runs in; see the file's head. The reader role
// creates it (after SET ROLE), so it runs as that role, and needs only the
// TEMP right on the database, which PostgreSQL grants to everyone.
constexpr const char* kGuard = R"sql(
CREATE FUNCTION pg_temp.crawler_read_query(statement text) RETURNS SETOF record
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  RETURN QUERY EXECUTE statement;
END
$$)sql";

}  // namespace

void run_pg_read_query(const std::string& uri, const std::string& sql,
                       const std::function<void(const QueryColumns&)>& on_columns,
                       const std::function<void(const std::vector<Cell>&)>& on_row,
                       std::chrono::milliseconds timeout) {
  if (sql.find_first_not_of(" \t\r\n;") == std::string::npos)
    throw StorageError("no SQL statement given", Failure::kBadRequest);
  pg::Connection conn(uri);
  check_reader_role(conn);
  {
    // The guard outlives this transaction (pg_temp: until the session ends),
    // so that the next one, the statement's, writes nothing of its own.
    pg::Transaction transaction(conn);
    conn.exec(std::string("SET LOCAL ROLE ") + pg::kReaderRole);
    conn.exec(kGuard);
    transaction.commit();
  }
  pg::Transaction transaction(conn);  // never committed: whatever happened is undone
  conn.exec(std::string("SET LOCAL ROLE ") + pg::kReaderRole);
  conn.exec("SET TRANSACTION READ ONLY");
  if (timeout > std::chrono::milliseconds::zero())
    conn.exec("SELECT set_config('statement_timeout', $1, true)",
              {std::to_string(timeout.count())});

  // One statement that returns rows (Parse refuses several; COPY, SET, DO
  // and the like are described with no columns).
  pg::Result described = conn.describe(sql);
  int count = PQnfields(described.get());
  if (count == 0)
    throw StorageError(
        "refused: not a query. Only a statement that returns rows runs (SELECT, VALUES, "
        "TABLE, WITH ... SELECT); COPY, SET, DO and other commands do not",
        Failure::kBadRequest);
  QueryColumns columns;
  std::vector<std::int64_t> types, modifiers;
  for (int i = 0; i < count; ++i) {
    columns.names.emplace_back(PQfname(described.get(), i));
    types.push_back(PQftype(described.get(), i));
    modifiers.push_back(PQfmod(described.get(), i));
  }
  // A function returning records is called with its columns' types.
  pg::Result type_names = conn.exec(
      "SELECT format_type(t, m) FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS c(t, m, n) "
      "ORDER BY n",
      {pg::array_literal(types), pg::array_literal(modifiers)});
  std::string call = "SELECT * FROM pg_temp.crawler_read_query($1) AS t(";
  for (int i = 0; i < count; ++i) {
    if (i > 0) call += ", ";
    call += "c" + std::to_string(i + 1) + " " + std::string(type_names.text(i, 0));
  }
  call += ")";

  std::optional<pg::Result> result;
  try {
    result.emplace(conn.exec(call, {sql}));
  } catch (const StorageError& e) {
    if (timeout > std::chrono::milliseconds::zero() &&
        std::string(e.what()).find("statement timeout") != std::string::npos)
      throw StorageError(timeout_refusal(timeout), e.failure());
    throw;
  }
  // READ ONLY lets large objects be made (lo_from_bytea, lo_create); any
  // write gives the transaction an ID, so one with an ID wrote something.
  // The rollback undoes it; the statement is refused all the same.
  if (!conn.exec("SELECT pg_current_xact_id_if_assigned() IS NULL").text(0, 0).starts_with("t"))
    throw StorageError("refused: the statement wrote to the database (undone)",
                       Failure::kBadRequest);
  on_columns(columns);
  std::vector<Cell> row(static_cast<std::size_t>(count));
  for (int r = 0; r < result->rows(); ++r) {
    for (int i = 0; i < count; ++i) row[static_cast<std::size_t>(i)] = cell_of(*result, r, i);
    on_row(row);
  }
}

}  // namespace crawler::storage
