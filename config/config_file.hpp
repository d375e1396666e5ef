// The crawl configuration file (TOML) and its CRAWLER_* environment variables.
// The option table (option_table.hpp) defines every key once: its section,
// type, range, field of CrawlOptions and meaning; parsing, the environment,
// the example file and validation all read that table. Applying is
// all-or-nothing: on any error `options` is left exactly as it was.
#pragma once

#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/crawl_options.hpp"
#include "config/option_table.hpp"

namespace crawler::config {

/// Why a configuration could not be applied, e.g.
/// "crawler.toml:12: key 'politeness.delay': expected a number, got a string".
struct ConfigError {
  std::string message;
};

/// Applies the settings in the TOML file at `path` onto `options` (keys absent
/// keep their value). Errors (unreadable file, TOML syntax, unknown key, wrong
/// type, out-of-range value) name the file, the line and the full dotted key;
/// nothing is applied when there is an error.
std::optional<ConfigError> apply_config_file(const std::string& path, CrawlOptions& options);
/// The same for TOML text already read; `path` names it in errors.
std::optional<ConfigError> apply_config_text(std::string_view text, const std::string& path,
                                             CrawlOptions& options);

/// Applies the CRAWLER_* environment variables, one per key (see
/// environment_variable()). Values are parsed by the key's type: booleans
/// "true"/"false"/"1"/"0", numbers as in TOML, lists comma-separated ("\,"
/// for a literal comma). An empty variable counts as unset. Errors name the
/// variable and the key; nothing is applied when there is an error. `env`
/// returns a variable's value or nullptr (injectable for tests).
std::optional<ConfigError> apply_environment(
    CrawlOptions& options, std::function<const char*(const char*)> env = ::getenv);

/// A commented TOML file with every key at its default (what
/// `crawler config example` prints). Keys unset by default are commented out.
std::string example_config();

}  // namespace crawler::config
