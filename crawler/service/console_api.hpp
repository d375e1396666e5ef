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
