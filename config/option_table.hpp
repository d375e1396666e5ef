// The one definition of every crawl and serve option: its dotted config key,
// type, unit, range, field of CrawlOptions, flag and help. The TOML reader,
// the CRAWLER_* environment, the command-line flags (option_flags.hpp),
// `config example`, `config docs` (the reference in docs/config.md) and
// `--help` are all derived from kOptions; the default is the field's
// initializer in CrawlOptions. A new option is one field and one row.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/crawl_options.hpp"

namespace crawler::config {

enum class Kind {
  kBoolean,
  kInteger,
  kSeconds,  // a number of seconds, fractions allowed; the field holds milliseconds
  kSize,     // bytes, as a number (in the field's unit) or with a suffix ("10MiB")
  kString,
  kChoice,
  kStringList,
};

// The field of CrawlOptions an option sets.
using Field = std::variant<bool CrawlOptions::*, int CrawlOptions::*, long CrawlOptions::*,
                           std::size_t CrawlOptions::*, std::optional<int> CrawlOptions::*,
                           std::optional<std::size_t> CrawlOptions::*, std::string CrawlOptions::*,
                           std::vector<std::string> CrawlOptions::*>;

// A checked value in its field's unit (milliseconds for kSeconds).
using Value = std::variant<bool, std::int64_t, std::string, std::vector<std::string>>;

enum class Commands { kBoth, kServe };  // which subcommands take the flag

struct Option {
  std::string_view key;  // dotted: "section.key", or "key" at the top level
  Kind kind;
  Field field;
  std::int64_t min = 0;  // kInteger, kSize: bounds in the field's unit; kSeconds: in ms
  std::int64_t max = 0;
  std::string_view flag;  // "--delay"; for a boolean, the flag that sets `flag_sets`
  std::string_view help;
  std::string_view example = {};                   // TOML literal shown when unset by default
  std::span<const std::string_view> choices = {};  // kChoice
  bool flag_sets = true;                           // kBoolean: the value the flag gives
  std::string_view old_ms_flag = {};  // kSeconds: the old spelling in milliseconds, still taken
  std::int64_t unit = 1;              // kSize: bytes per unit of the field (1 << 20: MiB)
  Commands commands = Commands::kBoth;
};

struct Section {
  std::string_view name;
  std::string_view title;  // a sentence: "How much to crawl."
};

/// Every option, in file order.
std::span<const Option> options_table();
std::span<const Section> sections_table();
const Option* find_option(std::string_view key);

/// A checked value, or the problem with it.
struct Checked {
  Value value;
  std::string problem;
};

/// Parses text (an environment variable, a flag's argument) by the option's kind.
Checked check_text(const Option& option, const std::string& text);
/// Checks values read from TOML.
Checked check_integer(const Option& option, std::int64_t value);
Checked check_seconds(const Option& option, double seconds, std::string_view shown);
Checked check_string(const Option& option, std::string text);

/// Sets the option's field of `options` to a checked value.
void assign(const Option& option, const Value& value, CrawlOptions& options);

/// The option's value in `options` as a TOML literal; empty when unset.
std::optional<std::string> toml_text(const Option& option, const CrawlOptions& options);

std::string_view type_name(Kind kind);         // "seconds", "size", ...
std::string_view expected_text(Kind kind);     // "a number (seconds)", ...
std::string range_text(const Option& option);  // "1..20000", "at least 1", "" for none
std::string quote(std::string_view text);      // as a TOML basic string

/// CRAWLER_ + the key upper-cased, '.' turned into '_'.
std::string environment_variable(std::string_view key);

/// One option's effective value and where it came from, for the console.
struct OptionSource {
  std::string key;
  std::string value;   // as a TOML literal; empty when unset
  std::string source;  // "flag", "environment", "file" or "default"
};
/// Every option (in table order) with its value in `effective` and its
/// source, by the precedence flag > environment > file > default:
/// "flag" when `flag_given(option)`; "environment" when its CRAWLER_*
/// variable is set and not empty (`env`, as apply_environment reads it);
/// "file" when the file changed it (`after_file` differs from `defaults`);
/// else "default".
std::vector<OptionSource> option_sources(const CrawlOptions& defaults,
                                         const CrawlOptions& after_file,
                                         const CrawlOptions& effective,
                                         const std::function<bool(const Option&)>& flag_given,
                                         const std::function<const char*(const char*)>& env);

/// The reference tables of docs/config.md (what `crawler config docs` prints).
std::string reference_markdown();

}  // namespace crawler::config
