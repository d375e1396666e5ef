// The crawl configuration file and its environment variables: see
// config_file.hpp. Every key is a row of the option table
// (option_table.hpp). Values are checked into a staged copy of the options
// and assigned only when the whole source was valid.
#include "config/config_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/option_table.hpp"

namespace crawler::config {

namespace {

// True when `name` is a section: some key is named "name.something".
bool is_section(std::string_view name) {
  auto options = options_table();
  return std::any_of(options.begin(), options.end(), [name](const Option& option) {
    return option.key.size() > name.size() && option.key.starts_with(name) &&
           option.key[name.size()] == '.';
  });
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

// ---- TOML ------------------------------------------------------------------

// A value read from TOML, checked; `where` is the node at fault when not the key's own.
struct TomlChecked {
  Checked checked;
  const toml::node* where = nullptr;
};

TomlChecked check_node(const Option& option, const toml::node& node) {
  auto wrong_type = [&] {
    return TomlChecked{{Value{}, "expected " + std::string(expected_text(option.kind)) + ", got " +
                                     std::string(node_type_text(node))}};
  };
  switch (option.kind) {
    case Kind::kBoolean:
      if (auto v = node.value_exact<bool>()) return {{*v, {}}};
      return wrong_type();
    case Kind::kInteger:
      if (auto v = node.value_exact<std::int64_t>()) return {check_integer(option, *v)};
      return wrong_type();
    case Kind::kSize:
      if (auto v = node.value_exact<std::int64_t>()) return {check_integer(option, *v)};
      if (auto v = node.value_exact<std::string>()) return {check_string(option, std::move(*v))};
      return wrong_type();
    case Kind::kSeconds:
      if (auto v = node.value_exact<std::int64_t>())
        return {check_seconds(option, static_cast<double>(*v), std::to_string(*v))};
      if (auto v = node.value_exact<double>()) {
        std::ostringstream shown;
        shown << *v;
        return {check_seconds(option, *v, shown.str())};
      }
      return wrong_type();
    case Kind::kString:
    case Kind::kChoice:
      if (auto v = node.value_exact<std::string>()) return {check_string(option, std::move(*v))};
      return wrong_type();
    case Kind::kStringList: {
      const toml::array* array = node.as_array();
      if (!array) return wrong_type();
      std::vector<std::string> items;
      for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& item = *array->get(i);
        auto text = item.value_exact<std::string>();
        if (!text) {
          return {{Value{}, "element " + std::to_string(i + 1) + ": expected a string, got " +
                                std::string(node_type_text(item))},
                  &item};
        }
        items.push_back(std::move(*text));
      }
      return {{std::move(items), {}}};
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
  const Option* best = nullptr;
  std::size_t best_distance = 3;  // suggest only close misspellings
  for (const Option& option : options_table()) {
    std::size_t distance = edit_distance(name, option.key);
    if (distance < best_distance) {
      best = &option;
      best_distance = distance;
    }
  }
  if (best) text += " (did you mean '" + std::string(best->key) + "'?)";
  return text;
}

class TomlApplier {
 public:
  TomlApplier(const std::string& path, CrawlOptions& staged) : path_(path), staged_(staged) {}

  // Checks and stages every entry of `table`; the first problem wins.
  std::optional<ConfigError> apply_table(const toml::table& table, const std::string& prefix) {
    for (const auto& [toml_key, node] : table) {
      std::string name = prefix + std::string(toml_key.str());
      if (const Option* option = find_option(name)) {
        TomlChecked read = check_node(*option, node);
        if (!read.checked.problem.empty()) {
          return error(read.where ? *read.where : node,
                       "key '" + name + "': " + read.checked.problem);
        }
        assign(*option, read.checked.value, staged_);
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

}  // namespace

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
  for (const Option& option : options_table()) {
    std::string variable = environment_variable(option.key);
    const char* raw = env(variable.c_str());
    if (raw == nullptr || *raw == '\0') continue;
    Checked checked = check_text(option, raw);
    if (!checked.problem.empty()) {
      return ConfigError{"environment variable " + variable + ": key '" + std::string(option.key) +
                         "': " + checked.problem};
    }
    assign(option, checked.value, staged);
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
      "# Durations are in seconds (fractions allowed); sizes take suffixes\n"
      "# (\"10MiB\"). See docs/config.md.\n";
  std::string_view section;
  for (const Option& key : options_table()) {
    std::string_view name = key.key;
    auto dot = name.find('.');
    std::string_view key_section = dot == std::string_view::npos ? "" : name.substr(0, dot);
    if (key_section != section) {
      section = key_section;
      out += "\n";
      for (const Section& s : sections_table()) {
        if (s.name == section) out += "# " + std::string(s.title) + "\n";
      }
      out += "[" + std::string(section) + "]\n";
    }
    std::string_view short_name = dot == std::string_view::npos ? name : name.substr(dot + 1);
    out += "\n# " + std::string(key.help);
    if (std::string range = range_text(key); !range.empty()) out += " Range: " + range + ".";
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
