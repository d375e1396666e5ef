// The crawler executable: parses the command line (CLI11) into options and
// dispatches to a subcommand. Unusable invocations exit 2 with a message.
#include <CLI/CLI.hpp>

#include <iostream>

#include "config/crawl_options.hpp"
#include "crawler/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"crawler: a fast, polite web crawler that stores what it finds in SQLite"};
  app.require_subcommand(1);

  crawler::config::CrawlOptions crawl;
  CLI::App* crawl_cmd = app.add_subcommand("crawl", "Crawl from a seed list into an SQLite file");
  crawl_cmd->add_option("--seeds", crawl.seeds_path, "File of seed URLs, one per line")->required();
  crawl_cmd->add_option("--db", crawl.db_path, "SQLite database to write (created if missing)")
      ->required();
  crawl_cmd->add_option("--concurrency", crawl.concurrency, "Fetches in flight over all hosts")
      ->capture_default_str()
      ->check(CLI::Range(1, 20000));
  crawl_cmd->add_option("--per-host", crawl.per_host, "Fetches in flight per host")
      ->capture_default_str()
      ->check(CLI::Range(1, 20000));
  crawl_cmd->add_option("--max-pages", crawl.max_pages, "Stop after fetching this many pages")
      ->check(CLI::PositiveNumber);
  crawl_cmd->add_option("--max-depth", crawl.max_depth, "Follow links this deep (0: seeds only)")
      ->check(CLI::NonNegativeNumber);
  crawl_cmd->add_option("--user-agent", crawl.user_agent, "User-Agent header")
      ->capture_default_str();
  crawl_cmd->add_option("--timeout-ms", crawl.total_timeout_ms, "Whole-transfer timeout")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  crawl_cmd->add_option("--connect-timeout-ms", crawl.connect_timeout_ms, "Connect timeout")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  crawl_cmd->add_option("--max-body-bytes", crawl.max_body_bytes, "Body cap; longer bodies are cut")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);

  crawler::QueryOptions query;
  CLI::App* query_cmd =
      app.add_subcommand("query", "Run one read-only SQL statement on a crawl database");
  query_cmd->add_option("--db", query.db_path, "SQLite database to read")->required();
  query_cmd->add_option("sql", query.sql, "The SQL statement")->required();
  query_cmd->add_flag("--json", query.json, "Print JSON lines instead of a table");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : crawler::kExitUsage;
  }
  if (*crawl_cmd) return crawler::run_crawl_command(crawl);
  return crawler::run_query_command(query);
}
