// `crawler search`, `crawler stats` and `crawler export`: what users ask of
// a crawl database afterwards, through a CrawlReader (run_on_reader opens
// it for every read command). All read-only; export writes its output to a
// temporary file beside the target and renames it into place, so a failed
// export leaves nothing half-written.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "crawler/base/json_text.hpp"
#include "crawler/commands/commands.hpp"
#include "crawler/commands/warc_writer.hpp"
#include "crawler/service/progress_bar.hpp"
#include "storage/crawl_reader.hpp"

namespace crawler {

namespace {

// Text from the web: a cell a spreadsheet would run as a formula (=, +, -,
// @, or a tab or CR before one) gets a leading ' (OWASP's CSV injection advice).
std::string csv_field(const std::string& raw) {
  std::string value = raw;
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos)
    value.insert(0, 1, '\'');
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

void write_jsonl(std::ostream& out, const storage::ExportedPage& p) {
  out << "{\"url\":" << json_string(p.url) << ",\"final_url\":" << json_string(p.final_url)
      << ",\"status\":" << (p.status ? std::to_string(p.status) : "null")
      << ",\"content_type\":" << json_string(p.content_type)
      << ",\"title\":" << json_string(p.title) << ",\"fetched_at\":" << json_string(p.fetched_at)
      << ",\"depth\":" << p.depth << ",\"bytes\":" << p.bytes
      << ",\"duration_ms\":" << format_json_number(p.duration_ms)
      << ",\"error\":" << (p.error.empty() ? "null" : json_string(p.error))
      << ",\"redirect_to\":" << (p.redirect_to.empty() ? "null" : json_string(p.redirect_to))
      << ",\"text\":" << json_string(p.text) << "}\n";
}

void write_csv_row(std::ostream& out, const storage::ExportedPage& p) {
  out << csv_field(p.url) << ',' << csv_field(p.final_url) << ','
      << (p.status ? std::to_string(p.status) : "") << ',' << csv_field(p.content_type) << ','
      << csv_field(p.title) << ',' << p.fetched_at << ',' << p.depth << ',' << p.bytes << ','
      << format_json_number(p.duration_ms) << ',' << csv_field(p.error) << ','
      << csv_field(p.redirect_to) << "\r\n";
}

void print_counts(const char* heading, const std::vector<storage::Count>& counts) {
  std::cout << heading << "\n";
  if (counts.empty()) std::cout << "  (none)\n";
  for (const auto& c : counts) std::cout << "  " << c.count << "\t" << c.key << "\n";
}

}  // namespace

int run_on_reader(const char* command, const std::string& db,
                  const std::function<int(const storage::CrawlReader&)>& run) {
  std::unique_ptr<storage::CrawlReader> reader;
  try {
    reader = storage::open_crawl_reader(db);
  } catch (const storage::StorageError& e) {
    std::cerr << "crawler " << command << ": " << e.what() << "\n";
    return kExitUsage;
  }
  return run(*reader);
}

int run_search_command(const storage::CrawlReader& reader, const SearchOptions& options) {
  std::vector<storage::SearchHit> hits;
  try {
    hits = reader.search(options.query, options.limit, options.site);
  } catch (const storage::StorageError& e) {
    std::cerr << "crawler search: " << e.what() << "\n";
    return kExitUsage;
  }
  for (const auto& hit : hits) {
    if (options.json) {
      std::cout << "{\"url\":" << json_string(hit.url) << ",\"title\":" << json_string(hit.title)
                << ",\"snippet\":" << json_string(hit.snippet)
                << ",\"rank\":" << format_json_number(hit.rank) << "}\n";
    } else {
      std::cout << hit.url << "\n  " << (hit.title.empty() ? "(untitled)" : hit.title) << "\n  "
                << hit.snippet << "\n";
    }
  }
  if (hits.empty() && !options.json) std::cerr << "crawler search: no page matches\n";
  return kExitOk;
}

int run_stats_command(const storage::CrawlReader& reader) {
  storage::CrawlStats stats;
  try {
    stats = reader.stats();
  } catch (const storage::StorageError& e) {
    std::cerr << "crawler stats: " << e.what() << "\n";
    return kExitUsage;
  }
  std::cout << "pages " << stats.pages << "\nurls known " << stats.urls_known << " (queued "
            << stats.urls_queued << ")\nlinks " << stats.links << "\nbytes " << stats.bytes
            << "\nfirst fetch " << stats.first_fetch << "\nlast fetch " << stats.last_fetch << "\n";
  print_counts("pages by status:", stats.by_status);
  print_counts("pages by content type:", stats.by_content_type);
  print_counts("top hosts:", stats.top_hosts);
  print_counts("errors by kind:", stats.errors);
  print_counts("pages per minute:", stats.per_minute);
  if (!stats.fleet.empty()) {
    std::cout << "fleet (crawlers seen in the last 10 minutes):\n";
    for (const auto& worker : stats.fleet) {
      char rate[32];
      std::snprintf(rate, sizeof rate, "%.1f", worker.pages_per_second);
      std::cout << "  " << worker.name << (worker.alive ? "\talive" : "\tgone") << "\thosts "
                << worker.hosts << "\tpages " << worker.pages << "\tpages/s " << rate << "\n";
    }
  }
  return kExitOk;
}

namespace {

// Finishes an export written to `temporary`: rename into place, or remove it.
int finish_export(const ExportOptions& options, std::ofstream& file,
                  const std::filesystem::path& temporary, const std::filesystem::path& target) {
  if (options.out.empty()) return kExitOk;
  file.close();
  std::error_code error;
  if (!file || (std::filesystem::rename(temporary, target, error), error)) {
    std::cerr << "crawler export: cannot write '" << options.out << "'"
              << (error ? ": " + error.message() : "") << "\n";
    std::filesystem::remove(temporary);
    return kExitFailed;
  }
  return kExitOk;
}

// Rows the export will walk, for its progress bar; 0 (no bar worth
// drawing) when stderr is not a terminal, so pipes pay for no count.
std::size_t export_total(const storage::CrawlReader& reader, bool exchanges) {
  if (::isatty(STDERR_FILENO) != 1) return 0;
  return static_cast<std::size_t>(reader.export_count(exchanges));
}

int export_warc(const storage::CrawlReader& reader, const ExportOptions& options, std::ostream& out,
                std::ofstream& file, const std::filesystem::path& temporary,
                const std::filesystem::path& target) {
  std::size_t exchanges = 0;
  try {
    WarcWriter warc(out);
    warc.warcinfo("crawler/0.1", reader.name());
    TerminalProgress bar("export", export_total(reader, true));
    reader.for_each_exchange([&](const storage::ExportedExchange& e) {
      warc.exchange(e);
      bar.update(++exchanges);
    });
  } catch (const storage::StorageError& e) {
    std::cerr << "crawler export: " << e.what() << "\n";
    if (!options.out.empty()) std::filesystem::remove(temporary);
    return kExitUsage;
  }
  if (exchanges == 0)
    std::cerr << "crawler export: no raw responses in '" << reader.name()
              << "' (crawl with --keep-raw to keep them)\n";
  out.flush();
  return finish_export(options, file, temporary, target);
}

}  // namespace

int run_export_command(const storage::CrawlReader& reader, const ExportOptions& options) {
  std::filesystem::path target(options.out);
  std::filesystem::path temporary =
      options.out.empty() ? target : std::filesystem::path(options.out + ".partial");
  std::ofstream file;
  if (!options.out.empty()) {
    file.open(temporary, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "crawler export: cannot write '" << options.out << "': " << std::strerror(errno)
                << "\n";
      return kExitUsage;
    }
  }
  std::ostream& out = options.out.empty() ? std::cout : file;
  bool csv = options.format == "csv";
  if (options.format == "warc") return export_warc(reader, options, out, file, temporary, target);
  if (csv)
    out << "url,final_url,status,content_type,title,fetched_at,depth,bytes,duration_ms,error,"
           "redirect_to\r\n";
  try {
    TerminalProgress bar("export", export_total(reader, false));
    std::size_t written = 0;
    reader.for_each_page([&](const storage::ExportedPage& page) {
      csv ? write_csv_row(out, page) : write_jsonl(out, page);
      bar.update(++written);
    });
  } catch (const storage::StorageError& e) {
    std::cerr << "crawler export: " << e.what() << "\n";
    if (!options.out.empty()) std::filesystem::remove(temporary);
    return kExitUsage;
  }
  out.flush();
  return finish_export(options, file, temporary, target);
}

}  // namespace crawler
