// `crawler query`: one read-only SQL statement, printed as an aligned table
// or as JSON lines. The table is buffered to align its columns; JSON lines
// stream, so --json suits large results.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "crawler/base/json_text.hpp"
#include "crawler/commands/commands.hpp"
#include "storage/crawl_reader.hpp"

namespace crawler {

namespace {

std::string cell_text(const storage::Cell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return "NULL";
  if (auto* i = std::get_if<std::int64_t>(&cell)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&cell)) return format_json_number(*d);
  if (auto* s = std::get_if<std::string>(&cell)) return *s;
  return "<blob " + std::to_string(std::get<storage::Blob>(cell).size) + " bytes>";
}

std::string cell_json(const storage::Cell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return "null";
  if (auto* i = std::get_if<std::int64_t>(&cell)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&cell)) return format_json_number(*d);
  return json_string(cell_text(cell));
}

// Display width in code points, so UTF-8 titles align.
std::size_t width(const std::string& text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

void print_table(const std::vector<std::string>& names,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& name : names) widths.push_back(width(name));
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += " | ";
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - width(row[i]), ' ');
    }
    std::cout << line << "\n";
  };
  print_row(names);
  std::string rule;
  for (std::size_t i = 0; i < widths.size(); ++i) {
    if (i > 0) rule += "-+-";
    rule.append(widths[i], '-');
  }
  std::cout << rule << "\n";
  for (const auto& row : rows) print_row(row);
  std::cout << "(" << rows.size() << (rows.size() == 1 ? " row)\n" : " rows)\n");
}

}  // namespace

int run_query_command(const storage::CrawlReader& reader, const QueryOptions& options) {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> rows;
  try {
    reader.run_query(
        options.sql, [&](const storage::QueryColumns& columns) { names = columns.names; },
        [&](const std::vector<storage::Cell>& row) {
          if (options.json) {
            std::string line = "{";
            for (std::size_t i = 0; i < row.size(); ++i) {
              if (i > 0) line += ",";
              line += json_string(names[i]) + ":" + cell_json(row[i]);
            }
            std::cout << line << "}\n";
          } else {
            std::vector<std::string> texts;
            for (const auto& cell : row) texts.push_back(cell_text(cell));
            rows.push_back(std::move(texts));
          }
        },
        std::chrono::milliseconds(std::llround(options.timeout_seconds * 1000)));
  } catch (const storage::StorageError& e) {
    std::cerr << "crawler query: " << reader.name() << ": " << e.what() << "\n";
    return kExitUsage;
  }
  if (!options.json) print_table(names, rows);
  return kExitOk;
}

}  // namespace crawler
