// The crawl configuration file and its environment variables: see
// config_file.hpp. kKeys below is the one definition of every key; a key
// added to CrawlOptions needs one row here and one in docs/config.md (a test
// checks the two agree). Values are checked into a staged copy of the
// options and assigned only when the whole source was valid.
#include "config/config_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <span>
#include <sstream>
#include <type_traits>
#include <variant>

namespace crawler::config {

namespace {

enum class Kind { kBoolean, kInteger, kSeconds, kString, kChoice, kStringList };

// The field of CrawlOptions a key sets. kSeconds keys set a `long` in ms.
using Field = std::variant<bool CrawlOptions::*, int CrawlOptions::*, long CrawlOptions::*,
                           std::size_t CrawlOptions::*, std::optional<int> CrawlOptions::*,
                           std::optional<std::size_t> CrawlOptions::*, std::string CrawlOptions::*,
                           std::vector<std::string> CrawlOptions::*>;

// A checked value in its field's unit (milliseconds for kSeconds).
using Value = std::variant<bool, std::int64_t, std::string, std::vector<std::string>>;

struct Key {
  std::string_view name;  // dotted: "section.key", or "key" at the top level
  Kind kind;
  Field field;
  std::int64_t min = 0;  // kInteger: bounds; kSeconds: bounds in milliseconds
  std::int64_t max = 0;
  std::string_view doc;
  std::string_view example = {};  // TOML literal shown, commented out, when unset by default
  std::span<const std::string_view> choices = {};  // kChoice
};

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();
constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::array<std::string_view, 3> kScopeModes = {"host", "domain", "any"};
constexpr std::array<std::string_view, 4> kLogLevels = {"debug", "info", "warning", "error"};
constexpr std::array<std::string_view, 2> kLogFormats = {"text", "json"};

using O = CrawlOptions;
using K = Kind;

// NOTE: ranges are those of the crawl command's flags (crawler/main.cpp); a
// flag without an upper bound gets one day for durations.
const std::array kKeys = {
    Key{"seeds", K::kString, &O::seeds_path, 0, 0, "File of seed URLs, one per line (--seeds).",
        R"("seeds.txt")"},
    Key{"database", K::kString, &O::db_path, 0, 0,
        "SQLite database to write, created if missing (--db).", R"("crawl.db")"},
    Key{"limits.concurrency", K::kInteger, &O::concurrency, 1, 20000,
        "Fetches in flight over all hosts."},
    Key{"limits.max_pages", K::kInteger, &O::max_pages, 1, kMaxInt64,
        "Stop after fetching this many pages. Unset: no limit.", "10000"},
    Key{"limits.max_depth", K::kInteger, &O::max_depth, 0, kMaxInt,
        "Follow links this deep; 0: the seeds only. Unset: no limit.", "5"},
    Key{"limits.frontier_memory", K::kInteger, &O::frontier_memory_urls, 100, kMaxInt64,
        "Queued URLs held in memory; the rest wait in the database."},
    Key{"limits.host_window", K::kInteger, &O::host_window, 1, kMaxInt64,
        "Queued URLs of one origin (scheme, host, port) held in memory."},
    Key{"limits.seen_memory", K::kInteger, &O::seen_memory_mb, 1, 1 << 20,
        "MiB for the test of whether a URL was seen; past it the database settles doubts."},
    Key{"politeness.per_host", K::kInteger, &O::per_host, 1, 20000,
        "Fetches in flight per origin (scheme, host, port)."},
    Key{"politeness.delay", K::kSeconds, &O::delay_ms, 0, kHourMs,
        "Seconds between starts of fetches on one origin; 0: none."},
    Key{"politeness.max_crawl_delay", K::kSeconds, &O::max_crawl_delay_ms, 0, kDayMs,
        "Cap, in seconds, on a robots.txt Crawl-delay."},
    Key{"politeness.user_agent", K::kString, &O::user_agent, 0, 0,
        "User-Agent header; its first word is the robots.txt product token."},
    Key{"robots.obey", K::kBoolean, &O::obey_robots, 0, 0,
        "Fetch and obey robots.txt; false is --ignore-robots."},
    Key{"failures.retries", K::kInteger, &O::max_retries, 0, 100,
        "Further tries of a URL after a network error, a 5xx or a 429."},
    Key{"failures.backoff", K::kSeconds, &O::backoff_base_ms, 0, kDayMs,
        "First back-off, in seconds, of a failing host; it doubles on each failure."},
    Key{"failures.max_backoff", K::kSeconds, &O::backoff_cap_ms, 0, kDayMs,
        "Longest back-off, in seconds, of a failing host (also caps Retry-After)."},
    Key{"failures.robots_retry", K::kSeconds, &O::robots_retry_ms, 0, kDayMs,
        "Seconds before asking again for an unreachable robots.txt."},
    Key{"failures.grace", K::kSeconds, &O::grace_ms, 0, kHourMs,
        "Seconds the fetches in flight get to finish after SIGTERM or SIGINT."},
    Key{"transfers.connect_timeout", K::kSeconds, &O::connect_timeout_ms, 1, kDayMs,
        "Connect timeout, in seconds."},
    Key{"transfers.timeout", K::kSeconds, &O::total_timeout_ms, 1, kDayMs,
        "Whole-transfer timeout, in seconds."},
    Key{"transfers.low_speed_bytes", K::kInteger, &O::low_speed_bytes, 0, kMaxInt64,
        "Abort a transfer slower than this many bytes per second for low_speed_time; 0: never."},
    Key{"transfers.low_speed_time", K::kInteger, &O::low_speed_time_s, 0, 86400,
        "Whole seconds a transfer may stay below low_speed_bytes; 0: never abort."},
    Key{"transfers.max_body_bytes", K::kInteger, &O::max_body_bytes, 1, kMaxInt64,
        "Body cap in bytes; longer bodies are cut."},
    Key{"transfers.max_redirects", K::kInteger, &O::max_redirects, 0, 100,
        "Redirect hops followed from one URL."},
    Key{"transfers.follow_nofollow", K::kBoolean, &O::follow_nofollow, 0, 0,
        "Follow rel=nofollow links too."},
    Key{"transfers.sitemaps", K::kBoolean, &O::use_sitemaps, 0, 0,
        "Read the Sitemap: lines of robots.txt, else /sitemap.xml; false is --no-sitemaps."},
    Key{"transfers.keep_raw", K::kBoolean, &O::keep_raw, 0, 0,
        "Keep raw requests and responses (compressed) for WARC export; true is --keep-raw."},
    Key{"transfers.search_index", K::kBoolean, &O::search_index, 0, 0,
        "Add pages to the full-text index as they are stored; false is --no-search-index."},
    Key{"transfers.resolve", K::kStringList, &O::resolve, 0, 0,
        "HOST:PORT:ADDRESS entries used instead of DNS (the address policy still applies).",
        R"(['staging.example.com:443:192.0.2.10'])"},
    Key{"revisit.min", K::kSeconds, &O::revisit_min_ms, 10, kMaxInt64,
        "serve: shortest revisit interval; a page that changes comes back sooner."},
    Key{"revisit.max", K::kSeconds, &O::revisit_max_ms, 10, kMaxInt64,
        "serve: longest revisit interval; an unchanged page comes back later."},
    Key{"log.level",
        K::kChoice,
        &O::log_level,
        0,
        0,
        R"(Least severe log lines written: "debug", "info", "warning" or "error".)",
        {},
        kLogLevels},
    Key{"log.format",
        K::kChoice,
        &O::log_format,
        0,
        0,
        R"(Log lines as "text" or as "json" (one object per line: time, level, msg, fields).)",
        {},
        kLogFormats},
    Key{"scope.mode",
        K::kChoice,
        &O::scope,
        0,
        0,
        R"(Links followed: "host" (a seed's host), "domain" (a seed's registrable domain), "any".)",
        {},
        kScopeModes},
    Key{"scope.include", K::kStringList, &O::include, 0, 0,
        "RE2 patterns; when given, only URLs matching one of them are followed.",
        R"(['^https://example\.com/docs/'])"},
    Key{"scope.exclude", K::kStringList, &O::exclude, 0, 0,
        "RE2 patterns; URLs matching one of them are never followed.",
        R"(['\.pdf$', '/calendar/'])"},
    Key{"scope.max_url_length", K::kInteger, &O::max_url_length, 1, kMaxInt64,
        "Longest URL followed, in bytes."},
    Key{"scope.max_repeated_segments", K::kInteger, &O::max_repeated_segments, 1, kMaxInt,
        "Times one path segment may repeat in a URL."},
    Key{"scope.max_path_depth", K::kInteger, &O::max_path_depth, 1, kMaxInt,
        "Path segments in a URL."},
    Key{"scope.max_query_params", K::kInteger, &O::max_query_params, 1, kMaxInt,
        "Query parameters in a URL."},
    Key{"scope.max_pages_per_host", K::kInteger, &O::max_pages_per_host, 1, kMaxInt64,
        "Pages fetched from one host at most."},
    Key{"scope.max_links_per_page", K::kInteger, &O::max_links_per_page, 1, kMaxInt64,
        "Links kept from one page; the rest are counted, not stored or followed."},
    Key{"scope.allow_address", K::kStringList, &O::allow_addresses, 0, 0,
        "Non-public address ranges the crawler may reach beyond seeds given by address.",
        R"(['10.0.0.0/8'])"},
};

struct Section {
  std::string_view name;
  std::string_view doc;
};

constexpr std::array<Section, 7> kSections = {{
    {"limits", "How much to crawl."},
    {"politeness", "How hard to press one host."},
    {"robots", "Whether robots.txt is fetched and obeyed."},
    {"failures", "Retries, back-off and shutdown."},
    {"transfers", "One HTTP transfer."},
    {"log", "What the crawler says on stderr, and how."},
    {"scope", "Which links are followed, and limits against URL traps."},
}};

const Key* find_key(std::string_view name) {
  for (const Key& key : kKeys) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

// True when `name` is a section: some key is named "name.something".
bool is_section(std::string_view name) {
  return std::any_of(kKeys.begin(), kKeys.end(), [name](const Key& key) {
    return key.name.size() > name.size() && key.name.starts_with(name) &&
           key.name[name.size()] == '.';
  });
}

std::string_view type_name(Kind kind) {
  switch (kind) {
    case Kind::kBoolean:
      return "boolean";
    case Kind::kInteger:
      return "integer";
    case Kind::kSeconds:
      return "seconds";
    case Kind::kString:
      return "string";
    case Kind::kChoice:
      return "string";
    case Kind::kStringList:
      return "array of strings";
  }
  return "?";
}

// What a key expects, for "expected ..." messages.
std::string_view expected_text(Kind kind) {
  switch (kind) {
    case Kind::kBoolean:
      return "a boolean";
    case Kind::kInteger:
      return "an integer";
    case Kind::kSeconds:
      return "a number (seconds)";
    case Kind::kString:
    case Kind::kChoice:
      return "a string";
    case Kind::kStringList:
      return "an array of strings";
  }
  return "?";
}

std::string_view node_type_text(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Milliseconds as decimal seconds: 1000 -> "1.0", 250 -> "0.25".
std::string seconds_text(std::int64_t ms) {
  std::string text = std::to_string(ms / 1000) + ".";
  std::string frac = std::to_string(1000 + ms % 1000).substr(1);
  while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
  return text + frac;
}

std::string bound_text(const Key& key, std::int64_t bound) {
  return key.kind == Kind::kSeconds ? seconds_text(bound) : std::to_string(bound);
}

std::string range_text(const Key& key) {
  if (key.max == kMaxInt64 || key.max == kMaxInt) return "at least " + bound_text(key, key.min);
  return bound_text(key, key.min) + ".." + bound_text(key, key.max);
}

// Checks an integer or seconds value (already in the field's unit) against
// the key's range. Returns the problem, or empty.
std::string check_range(const Key& key, double value_in_unit, std::string_view shown) {
  if (!(value_in_unit >= static_cast<double>(key.min) &&
        value_in_unit <= static_cast<double>(key.max))) {
    return std::string(shown) + " is out of range (" + range_text(key) + ")";
  }
  return {};
}

std::string check_choice(const Key& key, const std::string& text) {
  if (std::find(key.choices.begin(), key.choices.end(), text) != key.choices.end()) return {};
  std::string list;
  for (std::string_view choice : key.choices) {
    list += (list.empty() ? "" : ", ") + quote(choice);
  }
  return "expected one of " + list + ", got " + quote(text);
}

// A checked value, or the problem with it.
struct Checked {
  Value value;
  std::string problem;
  const toml::node* where = nullptr;  // the node at fault when not the key's own
};

Checked checked_integer(const Key& key, std::int64_t v) {
  return {v, check_range(key, static_cast<double>(v), std::to_string(v))};
}

Checked checked_seconds(const Key& key, double seconds, std::string_view shown) {
  double ms = seconds * 1000.0;
  std::string problem = check_range(key, ms, shown);
  if (!problem.empty()) return {Value{}, problem};
  return {static_cast<std::int64_t>(std::llround(ms)), {}};
}

Checked checked_string(const Key& key, std::string text) {
  if (key.kind == Kind::kChoice) {
    std::string problem = check_choice(key, text);
    return {std::move(text), problem};
  }
  if (text.empty()) return {Value{}, "expected a non-empty string"};
  return {std::move(text), {}};
}

// Assigns a checked value to the key's field of `options`.
void assign(const Key& key, const Value& value, CrawlOptions& options) {
  std::visit(
      [&](auto member) {
        auto& field = options.*member;
        using F = std::remove_reference_t<decltype(field)>;
        if constexpr (std::is_same_v<F, bool> || std::is_same_v<F, std::string> ||
                      std::is_same_v<F, std::vector<std::string>>) {
          field = std::get<F>(value);
        } else if constexpr (std::is_integral_v<F>) {
          field = static_cast<F>(std::get<std::int64_t>(value));
        } else {
          field = static_cast<typename F::value_type>(std::get<std::int64_t>(value));
        }
      },
      key.field);
}

// The key's value in `options` as a TOML literal; nullopt when unset.
std::optional<std::string> toml_text(const Key& key, const CrawlOptions& options) {
  return std::visit(
      [&](auto member) -> std::optional<std::string> {
        const auto& field = options.*member;
        using F = std::remove_cvref_t<decltype(field)>;
        if constexpr (std::is_same_v<F, bool>) {
          return field ? "true" : "false";
        } else if constexpr (std::is_same_v<F, std::string>) {
          if (field.empty()) return std::nullopt;
          return quote(field);
        } else if constexpr (std::is_same_v<F, std::vector<std::string>>) {
          std::string text = "[";
          for (const std::string& item : field) text += (text.size() > 1 ? ", " : "") + quote(item);
          return text + "]";
        } else if constexpr (std::is_integral_v<F>) {
          if (key.kind == Kind::kSeconds) return seconds_text(static_cast<std::int64_t>(field));
          return std::to_string(field);
        } else {
          if (!field) return std::nullopt;
          return std::to_string(*field);
        }
      },
      key.field);
}

// ---- TOML ------------------------------------------------------------------

Checked check_node(const Key& key, const toml::node& node) {
  auto wrong_type = [&] {
    return Checked{Value{}, "expected " + std::string(expected_text(key.kind)) + ", got " +
                                std::string(node_type_text(node))};
  };
  switch (key.kind) {
    case Kind::kBoolean:
      if (auto v = node.value_exact<bool>()) return {*v, {}};
      return wrong_type();
    case Kind::kInteger:
      if (auto v = node.value_exact<std::int64_t>()) return checked_integer(key, *v);
      return wrong_type();
    case Kind::kSeconds:
      if (auto v = node.value_exact<std::int64_t>()) {
        return checked_seconds(key, static_cast<double>(*v), std::to_string(*v));
      }
      if (auto v = node.value_exact<double>()) {
        std::ostringstream shown;
        shown << *v;
        return checked_seconds(key, *v, shown.str());
      }
      return wrong_type();
    case Kind::kString:
    case Kind::kChoice:
      if (auto v = node.value_exact<std::string>()) return checked_string(key, std::move(*v));
      return wrong_type();
    case Kind::kStringList: {
      const toml::array* array = node.as_array();
      if (!array) return wrong_type();
      std::vector<std::string> items;
      for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& item = *array->get(i);
        auto text = item.value_exact<std::string>();
        if (!text) {
          return {Value{},
                  "element " + std::to_string(i + 1) + ": expected a string, got " +
                      std::string(node_type_text(item)),
                  &item};
        }
        items.push_back(std::move(*text));
      }
      return {std::move(items), {}};
    }
  }
  return wrong_type();
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string unknown_key_text(const std::string& name) {
  std::string text = "unknown key '" + name + "'";
  const Key* best = nullptr;
  std::size_t best_distance = 3;  // suggest only close misspellings
  for (const Key& key : kKeys) {
    std::size_t distance = edit_distance(name, key.name);
    if (distance < best_distance) {
      best = &key;
      best_distance = distance;
    }
  }
  if (best) text += " (did you mean '" + std::string(best->name) + "'?)";
  return text;
}

class TomlApplier {
 public:
  TomlApplier(const std::string& path, CrawlOptions& staged) : path_(path), staged_(staged) {}

  // Checks and stages every entry of `table`; the first problem wins.
  std::optional<ConfigError> apply_table(const toml::table& table, const std::string& prefix) {
    for (const auto& [toml_key, node] : table) {
      std::string name = prefix + std::string(toml_key.str());
      if (const Key* key = find_key(name)) {
        Checked checked = check_node(*key, node);
        if (!checked.problem.empty()) {
          return error(checked.where ? *checked.where : node,
                       "key '" + name + "': " + checked.problem);
        }
        assign(*key, checked.value, staged_);
      } else if (is_section(name)) {
        const toml::table* section = node.as_table();
        if (!section) {
          return error(node, "key '" + name + "': expected a table, got " +
                                 std::string(node_type_text(node)));
        }
        if (auto e = apply_table(*section, name + ".")) return e;
      } else {
        if (node.is_table()) return error(node, toml_key, "unknown section '" + name + "'");
        return error(node, toml_key, unknown_key_text(name));
      }
    }
    return std::nullopt;
  }

 private:
  ConfigError error(const toml::node& node, const std::string& text) const {
    return at_line(node.source().begin.line, text);
  }
  ConfigError error(const toml::node& node, const toml::key& key, const std::string& text) const {
    auto line = key.source().begin.line ? key.source().begin.line : node.source().begin.line;
    return at_line(line, text);
  }
  ConfigError at_line(toml::source_index line, const std::string& text) const {
    if (line == 0) return {path_ + ": " + text};
    return {path_ + ":" + std::to_string(line) + ": " + text};
  }

  const std::string& path_;
  CrawlOptions& staged_;
};

// ---- environment -----------------------------------------------------------

std::string trim(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "a, b\,c" -> {"a", "b,c"}; blank items are dropped.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::string item;
  auto flush = [&] {
    std::string trimmed = trim(item);
    if (!trimmed.empty()) items.push_back(std::move(trimmed));
    item.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == ',') {
      item += ',';
      ++i;
    } else if (text[i] == ',') {
      flush();
    } else {
      item += text[i];
    }
  }
  flush();
  return items;
}

Checked check_text(const Key& key, const std::string& raw) {
  std::string text = trim(raw);
  auto got = [&] {
    return Checked{Value{},
                   "expected " + std::string(expected_text(key.kind)) + ", got " + quote(raw)};
  };
  switch (key.kind) {
    case Kind::kBoolean: {
      std::string word = lower(text);
      if (word == "true" || word == "1") return {true, {}};
      if (word == "false" || word == "0") return {false, {}};
      return {Value{}, "expected true, false, 1 or 0, got " + quote(raw)};
    }
    case Kind::kInteger: {
      std::int64_t v = 0;
      const char* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(text.data(), end, v);
      if (ec == std::errc::result_out_of_range)
        return {Value{}, text + " is out of range (" + range_text(key) + ")"};
      if (ec != std::errc() || ptr != end) return got();
      return checked_integer(key, v);
    }
    case Kind::kSeconds: {
      double v = 0;
      const char* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(text.data(), end, v);
      if (ec != std::errc() || ptr != end) return got();
      return checked_seconds(key, v, text);
    }
    case Kind::kString:
    case Kind::kChoice:
      return checked_string(key, raw);
    case Kind::kStringList:
      return {split_list(raw), {}};
  }
  return got();
}

}  // namespace

std::vector<ConfigKeyInfo> config_keys() {
  const CrawlOptions defaults;
  std::vector<ConfigKeyInfo> infos;
  for (const Key& key : kKeys) {
    infos.push_back({std::string(key.name), environment_variable(key.name),
                     std::string(type_name(key.kind)), toml_text(key, defaults).value_or(""),
                     std::string(key.doc)});
  }
  return infos;
}

std::string environment_variable(std::string_view key) {
  std::string name = "CRAWLER_";
  for (char c : key) {
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

std::optional<ConfigError> apply_config_file(const std::string& path, CrawlOptions& options) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return ConfigError{path + ": cannot read: is a directory"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return ConfigError{path + ": cannot read: " + std::strerror(errno)};
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad() || content.bad())
    return ConfigError{path + ": cannot read: " + std::strerror(errno)};
  return apply_config_text(content.str(), path, options);
}

std::optional<ConfigError> apply_config_text(std::string_view text, const std::string& path,
                                             CrawlOptions& options) {
  toml::table table;
#if TOML_EXCEPTIONS
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return ConfigError{path + ":" + std::to_string(e.source().begin.line) +
                       ": TOML syntax: " + std::string(e.description())};
  }
#else
  toml::parse_result result = toml::parse(text, path);
  if (!result) {
    return ConfigError{path + ":" + std::to_string(result.error().source().begin.line) +
                       ": TOML syntax: " + std::string(result.error().description())};
  }
  table = std::move(result).table();
#endif

  CrawlOptions staged = options;
  if (auto e = TomlApplier(path, staged).apply_table(table, "")) return e;
  options = std::move(staged);
  return std::nullopt;
}

std::optional<ConfigError> apply_environment(CrawlOptions& options,
                                             std::function<const char*(const char*)> env) {
  CrawlOptions staged = options;
  for (const Key& key : kKeys) {
    std::string variable = environment_variable(key.name);
    const char* raw = env(variable.c_str());
    if (raw == nullptr || *raw == '\0') continue;
    Checked checked = check_text(key, raw);
    if (!checked.problem.empty()) {
      return ConfigError{"environment variable " + variable + ": key '" + std::string(key.name) +
                         "': " + checked.problem};
    }
    assign(key, checked.value, staged);
  }
  options = std::move(staged);
  return std::nullopt;
}

std::string example_config() {
  const CrawlOptions defaults;
  std::string out =
      "# crawler configuration (TOML). Every key is shown at its default; keys\n"
      "# without a default are commented out. Precedence: command line >\n"
      "# environment (CRAWLER_SECTION_KEY) > this file > built-in default.\n"
      "# Durations are in seconds (fractions allowed). See docs/config.md.\n";
  std::string_view section;
  for (const Key& key : kKeys) {
    std::string_view name = key.name;
    auto dot = name.find('.');
    std::string_view key_section = dot == std::string_view::npos ? "" : name.substr(0, dot);
    if (key_section != section) {
      section = key_section;
      out += "\n";
      for (const Section& s : kSections) {
        if (s.name == section) out += "# " + std::string(s.doc) + "\n";
      }
      out += "[" + std::string(section) + "]\n";
    }
    std::string_view short_name = dot == std::string_view::npos ? name : name.substr(dot + 1);
    out += "\n# " + std::string(key.doc);
    if (key.kind == Kind::kInteger || key.kind == Kind::kSeconds) {
      out += " Range: " + range_text(key) + ".";
    }
    out += "\n";
    auto value = toml_text(key, defaults);
    if (value) {
      if (!key.example.empty()) {
        out += "# e.g. " + std::string(short_name) + " = " + std::string(key.example) + "\n";
      }
      out += std::string(short_name) + " = " + *value + "\n";
    } else {
      out += "# " + std::string(short_name) + " = " + std::string(key.example) + "\n";
    }
  }
  return out;
}

}  // namespace crawler::config
