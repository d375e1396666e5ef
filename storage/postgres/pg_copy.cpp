// The PostgreSQL side of copy_crawl: see pg_copy.hpp.
#include "storage/postgres/pg_copy.hpp"

#include <charconv>
#include <optional>

#include "storage/postgres/pg.hpp"
#include "storage/postgres/pg_reader.hpp"
#include "storage/postgres/pg_schema.hpp"
#include "storage/postgres/search_terms.hpp"

namespace crawler::storage::pg {

namespace {

bool is_bytea(ColumnKind kind) {
  return kind == ColumnKind::kRawText || kind == ColumnKind::kBlob;
}

class Source final : public CopySource {
 public:
  explicit Source(const std::string& uri) : reader_(uri) {}

  void rows(const CopyTable& table, const std::function<void(const CopyRow&)>& on_row) override {
    CopyRow row(table.columns.size());
    reader_.for_each_row(
        "SELECT " + column_list(table) + " FROM " + table.name + " ORDER BY " + table.order_by,
        [&](const Result& batch, int r) {
          for (std::size_t i = 0; i < row.size(); ++i) {
            int column = static_cast<int>(i);
            ColumnKind kind = table.columns[i].kind;
            if (batch.null(r, column)) {
              row[i] = std::monostate{};
            } else if (kind == ColumnKind::kInteger) {
              row[i] = batch.int64(r, column);
            } else if (kind == ColumnKind::kBoolean) {
              row[i] = std::int64_t{batch.text(r, column) == "t" ? 1 : 0};
            } else if (kind == ColumnKind::kReal) {
              row[i] = batch.real(r, column);
            } else if (is_bytea(kind)) {
              row[i] = bytes_of_bytea(batch.text(r, column));
            } else {
              row[i] = std::string(batch.text(r, column));
            }
          }
          on_row(row);
        });
  }

 private:
  Reader reader_;
};

std::string real_text(double value) {
  char text[32];
  auto [end, error] = std::to_chars(text, text + sizeof text, value);
  return error == std::errc() ? std::string(text, end) : "0";
}

// Where a pages row holds what its search vector is made of.
struct SearchSource {
  std::size_t title, text, indexed;

  Param vector(const CopyRow& row) const {
    auto cell = [&](std::size_t i) {
      const auto* bytes = std::get_if<std::string>(&row[i]);
      return bytes ? std::string_view(*bytes) : std::string_view();
    };
    const auto* flag = std::get_if<std::int64_t>(&row[indexed]);
    if (!flag || *flag != 1) return Param{};
    return search_vector_literal(cell(title), cell(text));
  }
};

std::optional<SearchSource> search_source(const CopyTable& table) {
  if (std::string_view(table.name) != "pages") return std::nullopt;
  auto column = [&](std::string_view name) {
    for (std::size_t i = 0; i < table.columns.size(); ++i)
      if (table.columns[i].name == name) return i;
    throw StorageError(std::string("copy: no column ") + std::string(name) + " in pages",
                       Failure::kOperation);
  };
  return SearchSource{column("title"), column("text"), column("indexed")};
}

class Target final : public CopyTarget {
 public:
  explicit Target(const std::string& uri) : conn_(uri) {
    migrate(conn_);
    if (conn_.exec("SELECT EXISTS (SELECT 1 FROM urls)").text(0, 0) == "t")
      throw StorageError(
          "PostgreSQL database '" + conn_.name() + "' holds a crawl already; copy into a new one",
          Failure::kBadRequest);
    transaction_.emplace(conn_);
  }

  // One multi-row INSERT per batch; every value travels as text. Pages get
  // their search vector here, made as the crawler's writer makes it.
  void insert(const CopyTable& table, const std::vector<CopyRow>& rows) override {
    std::optional<SearchSource> search = search_source(table);
    std::string sql = "INSERT INTO " + std::string(table.name) + "(" + column_list(table) +
                      (search ? ", search" : "") + ") VALUES ";
    std::vector<Param> params;
    params.reserve(rows.size() * (table.columns.size() + 1));
    for (std::size_t r = 0; r < rows.size(); ++r) {
      sql += r ? ", (" : "(";
      for (std::size_t i = 0; i < table.columns.size(); ++i) {
        sql += (i ? ", $" : "$") + std::to_string(params.size() + 1);
        params.push_back(param(table.columns[i], rows[r][i]));
      }
      if (search) {
        sql += ", $" + std::to_string(params.size() + 1);
        params.push_back(search->vector(rows[r]));
      }
      sql += ")";
    }
    conn_.exec(sql, params);
  }

  void commit() override {
    // Ids were copied, not drawn: the next ones come after them.
    for (const char* table : {"urls", "pages"})
      conn_.exec(std::string("SELECT setval(pg_get_serial_sequence('") + table +
                 "', 'id'), coalesce(max(id), 0) + 1, false) FROM " + table);
    // Every origin the crawl queued from, for workers to lease: for its
    // queued URLs, or (serve) for its pages due for a revisit.
    conn_.exec(
        "INSERT INTO hosts(origin) SELECT DISTINCT origin FROM urls"
        " WHERE origin IS NOT NULL ON CONFLICT DO NOTHING");
    transaction_->commit();
  }

 private:
  static Param param(const CopyColumn& column, const CopyCell& cell) {
    if (const auto* number = std::get_if<std::int64_t>(&cell)) return std::to_string(*number);
    if (const auto* real = std::get_if<double>(&cell)) return real_text(*real);
    if (const auto* bytes = std::get_if<std::string>(&cell))
      return is_bytea(column.kind) ? bytea_literal(*bytes) : *bytes;
    return Param{};
  }

  Connection conn_;
  std::optional<Transaction> transaction_;
};

}  // namespace

std::unique_ptr<CopySource> open_copy_source(const std::string& uri) {
  return std::make_unique<Source>(uri);
}

std::unique_ptr<CopyTarget> open_copy_target(const std::string& uri) {
  return std::make_unique<Target>(uri);
}

}  // namespace crawler::storage::pg
