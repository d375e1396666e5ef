// The web console's JSON answers (docs/console.md). The live views are
// built on the loop thread from the engine's state; search and page views
// read the database and run on the thread pool, so they take only what
// they need by value. Every string from the web goes through the JSON
// encoder (invalid UTF-8 replaced), never into markup.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/option_table.hpp"
#include "crawler/engine/crawl_engine.hpp"
#include "crawler/service/console_history.hpp"
#include "storage/crawl_reader.hpp"

namespace crawler {

/// GET /api/overview: totals, gauges and the samples after `since` (Unix seconds).
std::string overview_json(CrawlEngine& engine, const ConsoleHistory& history,
                          std::optional<double> since);

/// The counters of the overview, rendered from the counter table: a list
/// "counters" of every row ({key, name, group, kind, unit, title, help,
/// value, and for a labelled row label and labels}), and the same values by
/// key: "totals", "gauges" and one object per labelled row.
std::string counters_json(const CrawlSummary& counters, const CrawlEngine::Gauges& gauges);

/// GET /api/hosts: origins sorted by `sort` (queued, fetched, errors, mean_ms, origin).
/// Empty when `sort` is not one of those.
std::optional<std::string> hosts_json(const CrawlEngine& engine, std::string_view sort,
                                      std::size_t limit);

/// GET /api/errors: recent failures by kind with `examples` each, skips by reason.
std::string errors_json(CrawlEngine& engine, std::size_t examples);

/// Which lines of the crawl log GET /api/log answers with: after line
/// `after`, of one origin, one status class ("2xx".."5xx", or "error": no
/// HTTP response), one error kind; the newest `limit` of them, oldest first.
struct LogFilter {
  std::uint64_t after = 0;
  std::string origin;
  std::string status_class;
  std::string error;
  std::size_t limit = 200;
};
/// Empty when `status_class` is not one of 1xx..5xx, error.
std::optional<LogFilter> log_filter(std::uint64_t after, std::string origin,
                                    std::string status_class, std::string error, std::size_t limit);
/// GET /api/log: {"entries": [...], "last": the newest line's number}.
std::string log_json(const FetchLog& log, const LogFilter& filter);
/// GET /api/log?format=jsonl: one JSON object per line, for scripts.
std::string log_json_lines(const FetchLog& log, const LogFilter& filter);

/// `text` if it is an origin as the crawl writes one (scheme://host[:port],
/// normalized: "http://a.test", not "HTTP://a.test:80/").
std::optional<std::string> origin_param(std::string_view text);

/// GET /api/origin, the part the loop answers: the operator's order, the
/// frontier's view (queued, politeness, next fetch), the tally, and the
/// origin's most recent fetches and failures from the crawl log.
std::string origin_json(const CrawlEngine& engine, const std::string& origin);

/// GET /api/origin, the part read from the database (on the thread pool):
/// `limit` queued URLs from `offset`, oldest first, how many are queued,
/// and robots.txt as fetched and kept. Throws storage::StorageError.
std::string origin_stored_json(const storage::CrawlReader& reader, const std::string& origin,
                               std::int64_t offset, int limit);

/// An operator's order as the API shows it.
std::string origin_order_json(const CrawlEngine& engine, const std::string& origin);

/// GET /api/url, the part the loop answers: whether the frontier holds the
/// URL, why queue admission skipped it (if it is among the last skips
/// kept), and its origin's order.
std::string url_json(const CrawlEngine& engine, const std::string& url);
/// GET /api/url, the part read from the database (on the thread pool): its
/// row of url_states (state, depth, source, found on, attempts, last error,
/// fetched at, next visit), or null. `key` is the URL's crawl key.
std::string url_stored_json(const storage::CrawlReader& reader, const std::string& key);

/// GET /api/config: each option's effective value and its source (flag,
/// environment, file, default). Secrets are masked: the console token as
/// "***", the database as `database` (its reader's name: a URI's password
/// masked).
std::string config_json(const std::vector<config::OptionSource>& options,
                        const std::string& database);

/// GET /api/seeds/list, on the thread pool: the crawl's seeds with their
/// state (url_states), at most `limit`, and how many there are. Throws
/// storage::StorageError.
std::string seeds_json(const storage::CrawlReader& reader, int limit);

/// POST /api/seeds: the body's seed URLs, added to the crawl.
std::string add_seeds_json(CrawlEngine& engine, std::string_view body);

/// GET /api/search, on the thread pool. Throws storage::StorageError.
std::string search_json(const storage::CrawlReader& reader, const std::string& query, int limit);

/// GET /api/page, on the thread pool; empty when the URL has no stored page.
/// Throws storage::StorageError.
std::optional<std::string> page_json(const storage::CrawlReader& reader, const std::string& url);

/// The crawl's state as the console and its API name it: running, paused,
/// idle, done, stopping.
const char* state_name(CrawlEngine::State state);

/// {"error": message}
std::string error_json(std::string_view message);

}  // namespace crawler
