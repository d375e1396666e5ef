// The crawler's subcommands. Each returns the process exit code:
// 0 success (a crawl stopped by SIGTERM/SIGINT included), 1 the work failed
// (e.g. the disk filled), 2 unusable invocation (bad arguments, unreadable
// seeds, unusable or locked database, refused SQL).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/crawl_options.hpp"
#include "config/option_table.hpp"

namespace crawler {

namespace storage {
class CrawlReader;  // storage/crawl_reader.hpp
}

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

int run_crawl_command(const config::CrawlOptions& options);

/// Crawls and keeps running: answers the console and /healthz /metrics
/// /status on options.listen; SIGHUP adds new seeds, SIGTERM/SIGINT stop.
/// `sources`: each option's value and where it came from (the console shows them).
int run_serve_command(const config::CrawlOptions& options,
                      std::vector<config::OptionSource> sources = {});

/// The engine both commands share.
int run_engine(const config::CrawlOptions& options, bool serve,
               std::vector<config::OptionSource> sources = {});

/// Runs the read command `command` (query, copy, search, stats, export) on
/// the reader of the database `db` names, opened by open_crawl_reader; a
/// database that cannot be opened is refused as "crawler COMMAND: why"
/// (exit 2) and `run` is not called.
int run_on_reader(const char* command, const std::string& db,
                  const std::function<int(const storage::CrawlReader&)>& run);

struct QueryOptions {
  std::string sql;
  bool json = false;
  double timeout_seconds = 300;  // the statement is stopped after it; 0: never
};

int run_query_command(const storage::CrawlReader& reader, const QueryOptions& options);

/// Copies the crawl `from` reads into `to` (a new database), either way
/// between SQLite and PostgreSQL. 0: copied; 2: unusable arguments or a
/// target that holds a crawl already; 1: the copy failed (the target is
/// left as it was).
int run_copy_command(const storage::CrawlReader& from, const std::string& to);

struct SearchOptions {
  std::string query;  // FTS5 syntax on SQLite, web-search syntax on PostgreSQL
  int limit = 10;
  std::optional<std::string> site;
  bool json = false;
};

/// Ranked (bm25) pages matching the query, with a highlighted snippet.
int run_search_command(const storage::CrawlReader& reader, const SearchOptions& options);

/// Totals, pages by status and type, top hosts, errors, rate over time.
int run_stats_command(const storage::CrawlReader& reader);

struct ExportOptions {
  std::string format = "jsonl";  // jsonl | csv
  std::string out;               // empty: standard output
};

int run_export_command(const storage::CrawlReader& reader, const ExportOptions& options);

/// GET `url` (a serve's /healthz): 0 when it answers 200, 1 otherwise.
int run_healthcheck_command(const std::string& url);

struct RobotsOptions {
  std::string file;
  std::string agent;
  std::vector<std::string> urls;
};

/// One line per URL: "allowed URL [rule]" or "disallowed URL rule".
int run_robots_command(const RobotsOptions& options);

}  // namespace crawler
