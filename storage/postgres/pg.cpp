// libpq wrappers: see pg.hpp.
#include "storage/postgres/pg.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <optional>

#include "parsers/ascii.hpp"
#include "parsers/utf8.hpp"

namespace crawler::storage::pg {

namespace {

// SQLSTATE classes: 08 connection exception, 57P01-3 the server shutting
// down or the backend terminated, 40 serialization failure or deadlock;
// 53 insufficient resources (disk full), 58 system error; 42 a bad statement.
Failure failure_of(const char* sqlstate) {
  std::string_view state = sqlstate ? sqlstate : "";
  if (state.empty() || state.starts_with("08") || state.starts_with("57P") ||
      state.starts_with("40"))
    return Failure::kBusy;
  if (state.starts_with("53") || state.starts_with("58") || state == "25006")
    return Failure::kFatal;
  if (state.starts_with("42") || state.starts_with("22P02")) return Failure::kBadRequest;
  return Failure::kOperation;
}

// libpq's messages span lines: one line for a log.
std::string one_line(const char* message) {
  std::string text;
  for (const char* c = message ? message : ""; *c; ++c) {
    bool space = *c == '\n' || *c == '\t' || *c == ' ';
    if (space && (text.empty() || text.back() == ' ')) continue;
    text += space ? ' ' : *c;
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace

std::string_view Result::text(int row, int column) const {
  return {PQgetvalue(result_, row, column),
          static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

std::int64_t Result::int64(int row, int column) const {
  std::string_view value = text(row, column);
  std::int64_t number = 0;
  std::from_chars(value.data(), value.data() + value.size(), number);
  return number;
}

double Result::real(int row, int column) const {
  return std::strtod(PQgetvalue(result_, row, column), nullptr);
}

std::string bytea_literal(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string bytes_of_bytea(std::string_view literal) {
  std::string out;
  if (literal.size() < 2) return out;
  out.reserve((literal.size() - 2) / 2);
  for (std::size_t i = 2; i + 1 < literal.size(); i += 2)
    out +=
        static_cast<char>(parsers::hex_value(literal[i]) << 4 | parsers::hex_value(literal[i + 1]));
  return out;
}

std::string redact_uri(const std::string& uri) {
  std::string out = uri;
  // postgresql://user:password@host/...: the userinfo ends at the '@' before the path.
  if (std::size_t start = out.find("://"); start != std::string::npos) {
    start += 3;
    std::size_t end = out.find_first_of("/?", start);
    std::size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at > start) {
      std::size_t colon = out.find(':', start);
      if (colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // ...?password=secret&... and key=value strings.
  for (std::size_t key = out.find("password="); key != std::string::npos;
       key = out.find("password=", key + 1)) {
    std::size_t value = key + 9;
    std::size_t end = out.find_first_of("& ", value);
    out.replace(value, (end == std::string::npos ? out.size() : end) - value, "***");
  }
  return out;
}

Connection::Connection(std::string uri, std::string session_setup)
    : uri_(std::move(uri)), session_setup_(std::move(session_setup)), name_(redact_uri(uri_)) {
  ensure_connected();
}

void Connection::ensure_connected() {
  if (!lost()) return;
  prepared_.clear();  // a new session has none
  if (conn_) {
    PQreset(conn_.get());
  } else {
    conn_.reset(PQconnectdb(uri_.c_str()));
  }
  if (lost()) {
    std::string why = conn_ ? one_line(PQerrorMessage(conn_.get())) : "out of memory";
    throw StorageError("cannot connect to PostgreSQL database '" + name_ + "': " + why,
                       Failure::kBusy);
  }
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
  if (!session_setup_.empty()) checked(PQexec(conn_.get(), session_setup_.c_str()));
}

// PostgreSQL text holds valid UTF-8 without NUL, and libpq would cut a
// parameter at its first NUL. Bytes from the network need not be either
// (header values, reason phrases): such a parameter is repaired with U+FFFD,
// as the charset decoder repairs bodies, rather than have the server refuse
// the whole page. Raw bytes that must stay exact go as bytea in hex.
Connection::Values Connection::values_of(const std::vector<Param>& params) {
  Values values;
  values.repaired.reserve(params.size());  // no reallocation: pointers go into it
  values.pointers.reserve(params.size());
  if (std::any_of(params.begin(), params.end(), [](const Param& p) { return p.is_binary(); })) {
    values.formats.assign(params.size(), 0);  // text, but for those marked binary
    values.lengths.assign(params.size(), 0);  // read for binary ones only
  }
  for (const Param& param : params) {
    if (param.is_binary()) {
      std::size_t i = values.pointers.size();
      values.formats[i] = 1;
      values.lengths[i] = static_cast<int>(param->size());
      values.pointers.push_back(param->data());
    } else if (param && !parsers::is_valid_utf8(*param, true)) {
      values.pointers.push_back(
          values.repaired.emplace_back(parsers::to_valid_utf8(*param, true)).c_str());
    } else {
      values.pointers.push_back(param ? param->c_str() : nullptr);
    }
  }
  return values;
}

Result Connection::exec(const std::string& sql, const std::vector<Param>& params) {
  ensure_connected();
  if (!deferred_.empty()) return run_pipeline(sql, params, false);
  Values values = values_of(params);
  return checked(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(params.size()), nullptr,
                              values.pointers.data(), values.lengths_or_null(),
                              values.formats_or_null(), 0));
}

std::pair<const std::string*, bool> Connection::statement_name(const std::string& sql) {
  auto [it, fresh] = prepared_.try_emplace(sql, "s" + std::to_string(prepared_.size()));
  return {&it->second, fresh};
}

Result Connection::exec_prepared(const std::string& sql, const std::vector<Param>& params) {
  ensure_connected();
  if (!deferred_.empty()) return run_pipeline(sql, params, true);
  auto [name, fresh] = statement_name(sql);
  if (fresh) {
    try {
      checked(PQprepare(conn_.get(), name->c_str(), sql.c_str(), 0, nullptr));
    } catch (...) {
      prepared_.erase(sql);
      throw;
    }
  }
  Values values = values_of(params);
  return checked(PQexecPrepared(conn_.get(), name->c_str(), static_cast<int>(params.size()),
                                values.pointers.data(), values.lengths_or_null(),
                                values.formats_or_null(), 0));
}

void Connection::defer(const std::string& sql, std::vector<Param> params) {
  deferred_.push_back({sql, std::move(params)});
}

// One round trip for many statements. Each deferred statement, and this
// one if `prepare`, is prepared first in this session if it is not yet.
// Results come back in order; the first failure is thrown once the
// pipeline is read to its end (the server skips what follows a failure).
// A pipeline broken mid-way (the session lost) drops the connection: the
// next call starts a fresh one.
Result Connection::run_pipeline(const std::string& sql, const std::vector<Param>& params,
                                bool prepare) {
  PGconn* conn = conn_.get();
  std::vector<Deferred> deferred = std::exchange(deferred_, {});
  enum class Kind { kPrepare, kDeferred, kWanted };
  std::vector<std::pair<Kind, const std::string*>> sent;  // and the SQL of a prepare
  auto send = [&](const std::string& text, const std::vector<Param>& values, bool prepared,
                  Kind kind) {
    Values v = values_of(values);  // libpq copies them into its buffer
    int count = static_cast<int>(values.size());
    const std::string* name = nullptr;
    if (prepared) {
      auto [found, fresh] = statement_name(text);
      name = found;
      if (fresh) {
        if (PQsendPrepare(conn, name->c_str(), text.c_str(), 0, nullptr) != 1) return false;
        sent.emplace_back(Kind::kPrepare, &text);
      }
    }
    int queued = name ? PQsendQueryPrepared(conn, name->c_str(), count, v.pointers.data(),
                                            v.lengths_or_null(), v.formats_or_null(), 0)
                      : PQsendQueryParams(conn, text.c_str(), count, nullptr, v.pointers.data(),
                                          v.lengths_or_null(), v.formats_or_null(), 0);
    if (queued != 1) return false;
    sent.emplace_back(kind, nullptr);
    return true;
  };
  bool ok = PQenterPipelineMode(conn) == 1;
  for (const Deferred& item : deferred)
    ok = ok && send(item.sql, item.params, true, Kind::kDeferred);
  ok = ok && send(sql, params, prepare, Kind::kWanted) && PQpipelineSync(conn) == 1;
  std::optional<Result> wanted, failed;
  for (std::size_t i = 0; ok && i < sent.size(); ++i) {
    PGresult* raw = PQgetResult(conn);
    if (!raw) {
      ok = false;
      break;
    }
    Result result(raw);
    while (PGresult* more = PQgetResult(conn)) PQclear(more);  // the statement's end
    auto status = PQresultStatus(raw);
    bool good = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    if (sent[i].first == Kind::kPrepare && !good) prepared_.erase(*sent[i].second);
    if (!good && status != PGRES_PIPELINE_ABORTED && !failed) failed.emplace(std::move(result));
    if (good && sent[i].first == Kind::kWanted) wanted.emplace(std::move(result));
  }
  if (ok) {
    Result sync(PQgetResult(conn));
    ok = PQresultStatus(sync.get()) == PGRES_PIPELINE_SYNC && PQexitPipelineMode(conn) == 1;
  }
  if (!ok) {
    prepared_.clear();
    conn_.reset();  // the session's state is unknown: start afresh next time
    throw StorageError("PostgreSQL database '" + name_ + "': connection lost", Failure::kBusy);
  }
  if (failed || !wanted) fail(failed ? failed->get() : nullptr);
  return std::move(*wanted);
}

Result Connection::describe(const std::string& sql) {
  ensure_connected();
  if (!deferred_.empty())  // their failure would be reported as this statement's
    throw StorageError("describe() with statements deferred", Failure::kBadRequest);
  checked(PQprepare(conn_.get(), "", sql.c_str(), 0, nullptr));
  return checked(PQdescribePrepared(conn_.get(), ""));
}

void Connection::run_script(const std::string& sql) {
  ensure_connected();
  checked(PQexec(conn_.get(), sql.c_str()));
}

Result Connection::checked(PGresult* raw) {
  Result result(raw);
  auto status = PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  fail(result.get());
}

void Connection::fail(const PGresult* result) {
  const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  Failure failure = lost() ? Failure::kBusy : failure_of(sqlstate);
  const char* message = result && *PQresultErrorMessage(result) ? PQresultErrorMessage(result)
                                                                : PQerrorMessage(conn_.get());
  throw StorageError("PostgreSQL database '" + name_ + "': " + one_line(message), failure);
}

Transaction::Transaction(Connection& conn, bool deferred) : conn_(conn) {
  if (deferred) {
    conn_.defer("BEGIN");
  } else {
    conn_.exec("BEGIN");
  }
}

Transaction::~Transaction() {
  // A lost session took its transaction with it: nothing to roll back (what
  // was deferred goes too), and no reason to reconnect here.
  if (done_) return;
  if (conn_.lost()) {
    conn_.drop_deferred();
    return;
  }
  try {
    conn_.exec("ROLLBACK");
  } catch (const StorageError&) {
    // A lost connection rolled the transaction back already.
  }
}

void Transaction::commit() {
  conn_.exec("COMMIT");
  done_ = true;
}

namespace {

void append_quoted(std::string& out, std::string_view item) {
  out += '"';
  for (char c : item) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string array_literal(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    append_quoted(out, items[i]);
  }
  return out + "}";
}

std::string array_literal(const std::vector<Param>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    if (items[i]) {
      append_quoted(out, *items[i]);
    } else {
      out += "NULL";
    }
  }
  return out + "}";
}

namespace {

void append_big_endian(std::string& out, std::uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
    out += static_cast<char>(value >> shift & 0xff);
}

// array_recv's form: dimensions, NULL flag, element type, then one
// dimension's size and lower bound, then each element's length (-1: NULL)
// and bytes; all big-endian.
std::string array_header(unsigned element_type, std::size_t count, bool nulls) {
  std::string out;
  append_big_endian(out, 1, 4);
  append_big_endian(out, nulls ? 1 : 0, 4);
  append_big_endian(out, element_type, 4);
  append_big_endian(out, count, 4);
  append_big_endian(out, 1, 4);
  return out;
}

// Each non-NULL element's bytes are bytes_of(its value).
template <typename BytesOf>
Param binary_array_of(unsigned element_type, const std::vector<Param>& items, BytesOf bytes_of) {
  bool nulls = std::any_of(items.begin(), items.end(), [](const Param& p) { return !p; });
  std::string out = array_header(element_type, items.size(), nulls);
  for (const Param& item : items) {
    if (!item) {
      append_big_endian(out, 0xffffffffU, 4);
      continue;
    }
    std::string_view bytes = bytes_of(*item);
    append_big_endian(out, bytes.size(), 4);
    out += bytes;
  }
  return Param::binary(std::move(out));
}

}  // namespace

Param binary_array(unsigned element_type, const std::vector<Param>& items) {
  return binary_array_of(element_type, items,
                         [](const std::string& bytes) -> std::string_view { return bytes; });
}

Param binary_text_array(const std::vector<Param>& items) {
  constexpr unsigned kTextOid = 25;
  std::string repaired;  // as values_of() repairs a text parameter
  return binary_array_of(kTextOid, items, [&](const std::string& text) -> std::string_view {
    if (parsers::is_valid_utf8(text, true)) return text;
    repaired = parsers::to_valid_utf8(text, true);
    return repaired;
  });
}

Param binary_array(const std::vector<std::int64_t>& items) {
  constexpr unsigned kInt8Oid = 20;
  std::string out = array_header(kInt8Oid, items.size(), false);
  out.reserve(out.size() + items.size() * 12);
  for (std::int64_t item : items) {
    append_big_endian(out, 8, 4);
    append_big_endian(out, static_cast<std::uint64_t>(item), 8);
  }
  return Param::binary(std::move(out));
}

std::string array_literal(const std::vector<std::int64_t>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(items[i]);
  }
  return out + "}";
}

}  // namespace crawler::storage::pg
