// The crawler executable: parses the command line (CLI11) into options and
// dispatches to a subcommand. Unusable invocations exit 2 with a message.
#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>

#include "config/config_command.hpp"
#include "config/config_file.hpp"
#include "config/crawl_options.hpp"
#include "config/option_flags.hpp"
#include "config/option_table.hpp"
#include "crawler/base/heap_tuning.hpp"
#include "crawler/commands/commands.hpp"
#include "crawler/commands/url_command.hpp"
#include "storage/crawl_reader.hpp"

namespace {

void add_crawl_options(CLI::App& cmd, crawler::config::CrawlOptions& o, std::string& config,
                       bool serve) {
  cmd.add_option("--config", config,
                 "TOML file of settings (docs/config.md); CRAWLER_* variables override it, flags "
                 "override both");
  crawler::config::add_option_flags(cmd, o, serve);
}

}  // namespace

int main(int argc, char** argv) {
  crawler::tune_heap();  // a performance setting: the crawler works without it
  CLI::App app{"crawler: a fast, polite web crawler that stores what it finds in SQLite"};
  app.require_subcommand(1);

  crawler::config::CrawlOptions crawl;
  CLI::App* crawl_cmd = app.add_subcommand("crawl", "Crawl from a seed list into an SQLite file");
  std::string crawl_config;
  add_crawl_options(*crawl_cmd, crawl, crawl_config, false);

  crawler::config::CrawlOptions serve_crawl;
  CLI::App* serve_cmd = app.add_subcommand(
      "serve",
      "Crawl as a service: keep running, answer a web console at / and /healthz /metrics "
      "/status, reload seeds on SIGHUP");
  std::string serve_config;
  add_crawl_options(*serve_cmd, serve_crawl, serve_config, true);

  crawler::QueryOptions query;
  std::string query_db;
  CLI::App* query_cmd =
      app.add_subcommand("query", "Run one read-only SQL statement on a crawl database");
  query_cmd->add_option("--db", query_db, "SQLite file or postgresql:// URI to read")->required();
  query_cmd->add_option("sql", query.sql, "The SQL statement")->required();
  query_cmd->add_flag("--json", query.json, "Print JSON lines instead of a table");
  query_cmd
      ->add_option("--timeout", query.timeout_seconds,
                   "Seconds the statement may run before it is stopped (0: no limit)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0 * 365));

  std::string copy_from, copy_to;
  CLI::App* copy_cmd = app.add_subcommand(
      "copy", "Copy a crawl, frontier included, into a new database (SQLite <-> PostgreSQL)");
  copy_cmd->add_option("--from", copy_from, "SQLite file or postgresql:// URI to copy")->required();
  copy_cmd->add_option("--to", copy_to, "SQLite file or postgresql:// URI to create")->required();

  crawler::SearchOptions search;
  std::string search_db;
  CLI::App* search_cmd =
      app.add_subcommand("search", "Full-text search over the crawled titles and text");
  search_cmd->add_option("--db", search_db, "SQLite file or postgresql:// URI to read")->required();
  search_cmd
      ->add_option("query", search.query,
                   "Terms: FTS5 query syntax on SQLite, web-search syntax on PostgreSQL")
      ->required();
  search_cmd->add_option("--limit", search.limit, "Most results to show")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  search_cmd->add_option("--site", search.site, "Only pages of this host");
  search_cmd->add_flag("--json", search.json, "Print JSON lines");

  std::string stats_db;
  CLI::App* stats_cmd = app.add_subcommand("stats", "Summarize a crawl database");
  stats_cmd->add_option("--db", stats_db, "SQLite file or postgresql:// URI to read")->required();

  crawler::ExportOptions export_options;
  std::string export_db;
  CLI::App* export_cmd = app.add_subcommand("export", "Export the stored pages");
  export_cmd->add_option("--db", export_db, "SQLite file or postgresql:// URI to read")->required();
  export_cmd
      ->add_option("--format", export_options.format,
                   "jsonl, csv, or warc (WARC 1.1; needs a crawl run with --keep-raw)")
      ->capture_default_str()
      ->check(CLI::IsMember({"jsonl", "csv", "warc"}));
  export_cmd->add_option("--out", export_options.out, "Output file (default: standard output)");

  std::string health_url = "http://127.0.0.1:9090/healthz";
  CLI::App* health_cmd =
      app.add_subcommand("healthcheck", "Exit 0 if a running serve answers its /healthz");
  health_cmd->add_option("url", health_url, "The /healthz URL")->capture_default_str();

  crawler::RobotsOptions robots;
  CLI::App* robots_cmd =
      app.add_subcommand("robots", "Check URLs against a robots.txt file, as the crawler would");
  robots_cmd->add_option("--file", robots.file, "The robots.txt file")->required();
  robots_cmd->add_option("--agent", robots.agent, "The crawler's name (product token)")->required();
  robots_cmd->add_option("urls", robots.urls, "URLs (or paths) to check")->required();

  crawler::UrlOptions url;
  CLI::App* url_cmd = app.add_subcommand(
      "url", "Show how the crawler parses URLs (WHATWG) and their crawl keys, as JSON lines");
  url_cmd->add_option("--base", url.base, "URL to resolve relative inputs against");
  url_cmd->add_option("inputs", url.inputs, "URLs or references (after -- if they start with '-')")
      ->required();

  CLI::App* config_cmd = app.add_subcommand("config", "Work with the TOML config file");
  config_cmd->require_subcommand(1);
  CLI::App* example_cmd =
      config_cmd->add_subcommand("example", "Print a commented config file with every default");
  CLI::App* docs_cmd = config_cmd->add_subcommand(
      "docs", "Print the reference tables of docs/config.md (every key, flag and variable)");
  std::string check_path;
  CLI::App* check_cmd = config_cmd->add_subcommand("check", "Validate a config file");
  check_cmd->add_option("file", check_path, "The config file")->required();

  std::vector<crawler::config::OptionSource> option_sources;
  try {
    app.parse(argc, argv);
    if (*crawl_cmd || *serve_cmd) {
      // Precedence: flag > CRAWLER_* variable > config file > default. The
      // file and the environment fill the options first; parsing again then
      // writes only the flags that were given.
      auto& target = *crawl_cmd ? crawl : serve_crawl;
      const std::string& path = *crawl_cmd ? crawl_config : serve_config;
      crawler::config::CrawlOptions after_file;
      std::optional<crawler::config::ConfigError> error;
      if (!path.empty()) error = crawler::config::apply_config_file(path, after_file);
      crawler::config::CrawlOptions merged = after_file;
      if (!error) error = crawler::config::apply_environment(merged);
      if (error) {
        std::cerr << "crawler: " << error->message << "\n";
        return crawler::kExitUsage;
      }
      target = merged;
      app.parse(argc, argv);
      // Where each value came from, for the console's settings view.
      const CLI::App& command = *crawl_cmd ? *crawl_cmd : *serve_cmd;
      option_sources = crawler::config::option_sources(
          crawler::config::CrawlOptions{}, after_file, target,
          [&](const crawler::config::Option& option) {
            return crawler::config::flag_given(command, option);
          },
          ::getenv);
      if (target.seeds_path.empty() || target.db_path.empty()) {
        std::cerr << "crawler: --seeds and --db (or seeds and database in the config file) "
                     "are required\n";
        return crawler::kExitUsage;
      }
    }
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : crawler::kExitUsage;
  }
  if (*example_cmd) return crawler::config::run_config_example();
  if (*docs_cmd) {
    std::cout << crawler::config::reference_markdown();
    return 0;
  }
  if (*check_cmd) return crawler::config::run_config_check(check_path);
  if (*crawl_cmd) return crawler::run_crawl_command(crawl);
  if (*serve_cmd) return crawler::run_serve_command(serve_crawl, std::move(option_sources));
  if (*robots_cmd) return crawler::run_robots_command(robots);
  if (*health_cmd) return crawler::run_healthcheck_command(health_url);
  if (*url_cmd) return crawler::run_url_command(url);
  // The read commands: each opens its database here, through open_crawl_reader.
  using Reader = crawler::storage::CrawlReader;
  if (*copy_cmd) {
    return crawler::run_on_reader("copy", copy_from, [&](const Reader& from) {
      return crawler::run_copy_command(from, copy_to);
    });
  }
  if (*search_cmd) {
    return crawler::run_on_reader("search", search_db, [&](const Reader& reader) {
      return crawler::run_search_command(reader, search);
    });
  }
  if (*stats_cmd) return crawler::run_on_reader("stats", stats_db, crawler::run_stats_command);
  if (*export_cmd) {
    return crawler::run_on_reader("export", export_db, [&](const Reader& reader) {
      return crawler::run_export_command(reader, export_options);
    });
  }
  return crawler::run_on_reader("query", query_db, [&](const Reader& reader) {
    return crawler::run_query_command(reader, query);
  });
}
