// The crawl log's API: see console_log_api.hpp.
#include "crawler/service/console_log_api.hpp"

#include <algorithm>
#include <iterator>
#include <string_view>
#include <vector>

#include "crawler/service/console_json.hpp"

namespace crawler {

using console_json::dump;
using nlohmann::json;

namespace {

// "2xx" for 200..299; "error" for no HTTP response.
std::string status_class_of(long status) {
  if (status < 100 || status > 599) return "error";
  return std::to_string(status / 100) + "xx";
}

// The visit's step that decided a record, by its error (the names the
// steps write) or, without one, by its status: a redirect is followed by
// the redirect step, anything else was read and stored.
const char* deciding_step(long status, const std::string& error) {
  if (error.empty()) return status >= 300 && status < 400 ? "redirect" : "store";
  if (error.starts_with("robots_")) return "robots";
  if (error == "redirect_loop" || error == "too_many_redirects" || error == "bad_redirect")
    return "redirect";
  if (error == "blocked") return "admission gate";
  if (error == "binary" || error == "parse_budget") return "html";
  if (error == "store_refused") return "store";
  if (error == "internal") return "engine";
  return "fetch";  // http_NNN, and a transfer's own errors (timeout, reset, ...)
}

// The newest filter.limit lines that pass, oldest first.
std::vector<const FetchLog::Entry*> log_lines(const FetchLog& log, const LogFilter& filter) {
  std::vector<const FetchLog::Entry*> lines;
  const auto& entries = log.entries();
  for (auto e = entries.rbegin(); e != entries.rend() && lines.size() < filter.limit; ++e) {
    if (e->seq <= filter.after) break;
    if (!filter.origin.empty() && e->origin != filter.origin) continue;
    if (!filter.status_class.empty() && status_class_of(e->status) != filter.status_class) continue;
    if (!filter.error.empty() && e->error != filter.error) continue;
    lines.push_back(&*e);
  }
  std::reverse(lines.begin(), lines.end());
  return lines;
}

}  // namespace

json log_entry_json(const FetchLog::Entry& e) {
  return {{"seq", e.seq},
          {"at", static_cast<double>(e.at_ms) / 1000},
          {"origin", e.origin},
          {"url", e.url},
          {"status", e.status ? json(e.status) : json(nullptr)},
          {"class", status_class_of(e.status)},
          {"error", e.error.empty() ? json(nullptr) : json(e.error)},
          {"bytes", e.bytes},
          {"ms", e.ms},
          {"step", deciding_step(e.status, e.error)}};
}

std::optional<LogFilter> log_filter(std::uint64_t after, std::string origin,
                                    std::string status_class, std::string error,
                                    std::size_t limit) {
  static constexpr std::string_view kClasses[] = {"", "1xx", "2xx", "3xx", "4xx", "5xx", "error"};
  if (std::find(std::begin(kClasses), std::end(kClasses), status_class) == std::end(kClasses))
    return std::nullopt;
  return LogFilter{after, std::move(origin), std::move(status_class), std::move(error), limit};
}

std::string log_json(const FetchLog& log, const LogFilter& filter) {
  json entries = json::array();
  for (const FetchLog::Entry* e : log_lines(log, filter)) entries.push_back(log_entry_json(*e));
  std::uint64_t last = log.entries().empty() ? 0 : log.entries().back().seq;
  return dump(json{{"entries", entries}, {"last", last}});
}

std::string log_json_lines(const FetchLog& log, const LogFilter& filter) {
  std::string out;
  for (const FetchLog::Entry* e : log_lines(log, filter)) {
    out += dump(log_entry_json(*e));
    out += '\n';
  }
  return out;
}

}  // namespace crawler
