// The crawl log as the console's API answers it (GET /api/log): the
// fetch log's lines, filtered, as JSON or as JSON lines for scripts.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "crawler/engine/fetch_log.hpp"

namespace crawler {

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
/// One line of the log: time, origin, URL, status and its class, error,
/// bytes, ms, and the visit's step that decided it.
nlohmann::json log_entry_json(const FetchLog::Entry& e);

}  // namespace crawler
