// The crawler executable: parses the command line (CLI11) into options and
// dispatches to a subcommand. Unusable invocations exit 2 with a message.
#include <CLI/CLI.hpp>

#include <cmath>
#include <iostream>
#include <optional>

#include "config/config_command.hpp"
#include "config/config_file.hpp"
#include "config/crawl_options.hpp"
#include "crawler/commands.hpp"
#include "crawler/url_command.hpp"

namespace {

void add_crawl_options(CLI::App& cmd, crawler::config::CrawlOptions& o, std::string& config) {
  cmd.add_option("--config", config,
                 "TOML file of settings (docs/config.md); CRAWLER_* variables override it, flags "
                 "override both");
  cmd.add_option("--seeds", o.seeds_path,
                 "File of seed URLs, one per line (required here or in --config)");
  cmd.add_option("--db", o.db_path,
                 "SQLite database to write, created if missing (required here or in --config)");

  cmd.add_option("--concurrency", o.concurrency, "Fetches in flight over all hosts")
      ->capture_default_str()
      ->check(CLI::Range(1, 20000))
      ->group("Limits");
  cmd.add_option("--max-pages", o.max_pages, "Stop after fetching this many pages")
      ->check(CLI::PositiveNumber)
      ->group("Limits");
  cmd.add_option("--max-depth", o.max_depth, "Follow links this deep (0: seeds only)")
      ->check(CLI::NonNegativeNumber)
      ->group("Limits");
  cmd.add_option("--frontier-memory", o.frontier_memory_urls,
                 "Queued URLs held in memory; the rest wait in the database")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{100}, std::size_t{1} << 40))
      ->group("Limits");
  cmd.add_option("--host-window", o.host_window,
                 "Queued URLs of one origin (scheme, host, port) held in memory")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 40))
      ->group("Limits");
  cmd.add_option("--seen-memory", o.seen_memory_mb,
                 "MiB for the seen test (exact up to ~5 million URLs per 64 MiB; past that the "
                 "database settles doubts)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20))
      ->group("Limits");

  cmd.add_option("--per-host", o.per_host, "Fetches in flight per origin (scheme, host, port)")
      ->capture_default_str()
      ->check(CLI::Range(1, 20000))
      ->group("Politeness");
  cmd.add_option_function<double>(
         "--delay", [&o](double s) { o.delay_ms = static_cast<long>(s * 1000); },
         "Seconds between starts of fetches on one origin (default 1; 0 for none)")
      ->check(CLI::Range(0.0, 3600.0))
      ->group("Politeness");
  cmd.add_flag("!--ignore-robots", o.obey_robots, "Do not fetch or obey robots.txt")
      ->group("Politeness");
  cmd.add_option_function<double>(
         "--max-crawl-delay",
         [&o](double s) { o.max_crawl_delay_ms = static_cast<long>(s * 1000); },
         "Cap, in seconds, on a robots.txt Crawl-delay (default 30)")
      ->check(CLI::Range(0.0, 86400.0))
      ->group("Politeness");
  cmd.add_option("--user-agent", o.user_agent, "User-Agent; its first word is the robots token")
      ->capture_default_str()
      ->group("Politeness");

  cmd.add_option("--retries", o.max_retries, "Further tries after a network error, 5xx or 429")
      ->capture_default_str()
      ->check(CLI::Range(0, 100))
      ->group("Failures");
  cmd.add_option("--backoff-ms", o.backoff_base_ms, "First back-off of a failing host")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber)
      ->group("Failures");
  cmd.add_option("--max-backoff-ms", o.backoff_cap_ms, "Longest back-off of a failing host")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber)
      ->group("Failures");
  cmd.add_option_function<double>(
         "--grace", [&o](double s) { o.grace_ms = static_cast<long>(s * 1000); },
         "Seconds fetches in flight get to finish after SIGTERM/SIGINT (default 10)")
      ->check(CLI::Range(0.0, 3600.0))
      ->group("Failures");
  cmd.add_option("--robots-retry-ms", o.robots_retry_ms,
                 "Wait before asking again for an unreachable robots.txt")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber)
      ->group("Failures");

  cmd.add_option("--timeout-ms", o.total_timeout_ms, "Whole-transfer timeout")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Transfers");
  cmd.add_option("--connect-timeout-ms", o.connect_timeout_ms, "Connect timeout")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Transfers");
  cmd.add_option("--low-speed-bytes", o.low_speed_bytes,
                 "Abort a transfer slower than this many bytes/s ...")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber)
      ->group("Transfers");
  cmd.add_option("--low-speed-time", o.low_speed_time_s, "... for this many seconds")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber)
      ->group("Transfers");
  cmd.add_option("--max-body-bytes", o.max_body_bytes, "Body cap; longer bodies are cut")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Transfers");
  cmd.add_option("--max-redirects", o.max_redirects, "Redirect hops followed from one URL")
      ->capture_default_str()
      ->check(CLI::Range(0, 100))
      ->group("Transfers");
  cmd.add_flag("!--no-sitemaps", o.use_sitemaps, "Do not read sitemaps")->group("Transfers");
  cmd.add_flag("--keep-raw", o.keep_raw,
               "Keep raw requests and responses (compressed) for `export --format warc`")
      ->group("Transfers");
  cmd.add_flag("!--no-search-index", o.search_index,
               "Keep new pages out of the full-text index (a third faster)")
      ->group("Transfers");
  cmd.add_flag("--follow-nofollow", o.follow_nofollow, "Follow rel=nofollow links too")
      ->group("Transfers");

  cmd.add_option_function<double>(
         "--revisit-min", [&o](double s) { o.revisit_min_ms = std::lround(s * 1000); },
         "serve: shortest revisit interval, seconds (default 3600; a changing page comes back "
         "sooner)")
      ->check(CLI::Range(0.01, 1e9))
      ->group("Revisits");
  cmd.add_option_function<double>(
         "--revisit-max", [&o](double s) { o.revisit_max_ms = std::lround(s * 1000); },
         "serve: longest revisit interval, seconds (default 30 days; an unchanged page waits "
         "longer)")
      ->check(CLI::Range(0.01, 1e9))
      ->group("Revisits");
  cmd.add_option("--log-level", o.log_level, "Least severe log lines written")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warning", "error"}))
      ->group("Logs");
  cmd.add_option("--log-format", o.log_format, "Log lines as text or as JSON objects")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}))
      ->group("Logs");
  cmd.add_option("--scope", o.scope, "Which links to follow: host, domain or any")
      ->capture_default_str()
      ->check(CLI::IsMember({"host", "domain", "any"}))
      ->group("Scope and traps");
  cmd.add_option("--include", o.include, "Only follow URLs matching this RE2 pattern (repeatable)")
      ->group("Scope and traps");
  cmd.add_option("--exclude", o.exclude, "Never follow URLs matching this RE2 pattern (repeatable)")
      ->group("Scope and traps");
  cmd.add_option("--max-url-length", o.max_url_length, "Longest URL followed")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Scope and traps");
  cmd.add_option("--resolve", o.resolve,
                 "HOST:PORT:ADDRESS: connect there instead of asking DNS (repeatable; the "
                 "address policy still applies)")
      ->group("Transfers");
  cmd.add_option("--max-links-per-page", o.max_links_per_page,
                 "Links kept from one page; the rest are counted, not stored or followed")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Scope and traps");
  cmd.add_option("--allow-address", o.allow_addresses,
                 "Non-public address range (CIDR) the crawler may reach besides seeds given by "
                 "address (repeatable)")
      ->group("Scope and traps");
  cmd.add_option("--max-repeated-segments", o.max_repeated_segments,
                 "Times one path segment may repeat in a URL")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Scope and traps");
  cmd.add_option("--max-path-depth", o.max_path_depth, "Path segments in a URL")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Scope and traps");
  cmd.add_option("--max-query-params", o.max_query_params, "Query parameters in a URL")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Scope and traps");
  cmd.add_option("--max-pages-per-host", o.max_pages_per_host, "Page budget of one host")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->group("Scope and traps");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"crawler: a fast, polite web crawler that stores what it finds in SQLite"};
  app.require_subcommand(1);

  crawler::config::CrawlOptions crawl;
  CLI::App* crawl_cmd = app.add_subcommand("crawl", "Crawl from a seed list into an SQLite file");
  std::string crawl_config;
  add_crawl_options(*crawl_cmd, crawl, crawl_config);

  crawler::config::CrawlOptions serve_crawl;
  crawler::ServeOptions serve;
  CLI::App* serve_cmd = app.add_subcommand(
      "serve",
      "Crawl as a service: keep running, answer /healthz /metrics /status, reload seeds on SIGHUP");
  std::string serve_config;
  add_crawl_options(*serve_cmd, serve_crawl, serve_config);
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT of the console and HTTP endpoint")
      ->capture_default_str();
  serve_cmd->add_option("--console-token", serve.console_token,
                        "Token the console's actions need (required off loopback)");
  serve_cmd->add_flag("--console-token-reads", serve.console_token_reads,
                      "The console's views need the token too");

  crawler::QueryOptions query;
  CLI::App* query_cmd =
      app.add_subcommand("query", "Run one read-only SQL statement on a crawl database");
  query_cmd->add_option("--db", query.db_path, "SQLite database to read")->required();
  query_cmd->add_option("sql", query.sql, "The SQL statement")->required();
  query_cmd->add_flag("--json", query.json, "Print JSON lines instead of a table");

  crawler::SearchOptions search;
  CLI::App* search_cmd =
      app.add_subcommand("search", "Full-text search over the crawled titles and text (FTS5)");
  search_cmd->add_option("--db", search.db_path, "SQLite database to read")->required();
  search_cmd->add_option("query", search.query, "Terms, in FTS5 query syntax")->required();
  search_cmd->add_option("--limit", search.limit, "Most results to show")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  search_cmd->add_option("--site", search.site, "Only pages of this host");
  search_cmd->add_flag("--json", search.json, "Print JSON lines");

  std::string stats_db;
  CLI::App* stats_cmd = app.add_subcommand("stats", "Summarize a crawl database");
  stats_cmd->add_option("--db", stats_db, "SQLite database to read")->required();

  crawler::ExportOptions export_options;
  CLI::App* export_cmd = app.add_subcommand("export", "Export the stored pages");
  export_cmd->add_option("--db", export_options.db_path, "SQLite database to read")->required();
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
  std::string check_path;
  CLI::App* check_cmd = config_cmd->add_subcommand("check", "Validate a config file");
  check_cmd->add_option("file", check_path, "The config file")->required();

  try {
    app.parse(argc, argv);
    if (*crawl_cmd || *serve_cmd) {
      // Precedence: flag > CRAWLER_* variable > config file > default. The
      // file and the environment fill the options first; parsing again then
      // writes only the flags that were given.
      auto& target = *crawl_cmd ? crawl : serve_crawl;
      const std::string& path = *crawl_cmd ? crawl_config : serve_config;
      crawler::config::CrawlOptions merged;
      std::optional<crawler::config::ConfigError> error;
      if (!path.empty()) error = crawler::config::apply_config_file(path, merged);
      if (!error) error = crawler::config::apply_environment(merged);
      if (error) {
        std::cerr << "crawler: " << error->message << "\n";
        return crawler::kExitUsage;
      }
      target = merged;
      app.parse(argc, argv);
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
  if (*check_cmd) return crawler::config::run_config_check(check_path);
  if (*crawl_cmd) return crawler::run_crawl_command(crawl);
  if (*serve_cmd) return crawler::run_serve_command(serve_crawl, serve);
  if (*robots_cmd) return crawler::run_robots_command(robots);
  if (*health_cmd) return crawler::run_healthcheck_command(health_url);
  if (*search_cmd) return crawler::run_search_command(search);
  if (*stats_cmd) return crawler::run_stats_command(stats_db);
  if (*export_cmd) return crawler::run_export_command(export_options);
  if (*url_cmd) return crawler::run_url_command(url);
  return crawler::run_query_command(query);
}
