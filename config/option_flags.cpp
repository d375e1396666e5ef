// Flags from the option table: see option_flags.hpp.
#include "config/option_flags.hpp"

#include <iostream>
#include <set>
#include <string>

#include "config/option_table.hpp"
#include "parsers/ascii.hpp"

namespace crawler::config {

namespace {

std::string group_name(std::string_view key) {
  auto dot = key.find('.');
  if (dot == std::string_view::npos) return "Options";
  std::string name(key.substr(0, dot));
  name[0] = parsers::ascii_upper(name[0]);
  return name;
}

std::string value_name(const Option& option) {
  switch (option.kind) {
    case Kind::kSeconds:
      return "SECONDS";
    case Kind::kSize:
      return "SIZE";
    case Kind::kInteger:
      return "INT";
    case Kind::kChoice: {
      std::string names;
      for (std::string_view choice : option.choices)
        names += (names.empty() ? "" : "|") + std::string(choice);
      return names;
    }
    default:
      return "TEXT";
  }
}

std::string help_text(const Option& option) {
  std::string help(option.help);
  if (std::string range = range_text(option); !range.empty()) help += " Range: " + range + ".";
  if (option.kind == Kind::kStringList) help += " Repeatable.";
  return help + " [" + std::string(option.key) + ", " + environment_variable(option.key) + "]";
}

// Each old spelling warns once, however often the command line is parsed.
void warn_deprecated(std::string_view old_flag, std::string_view flag) {
  static std::set<std::string, std::less<>> warned;
  if (!warned.emplace(old_flag).second) return;
  std::cerr << "crawler: warning: " << old_flag << " (milliseconds) is deprecated and goes in "
            << "the next release; use " << flag << " SECONDS\n";
}

void add_flag(CLI::App& command, CrawlOptions& options, const Option& option,
              const CrawlOptions& defaults) {
  std::string flag(option.flag);
  CLI::Option* added = nullptr;
  if (option.kind == Kind::kBoolean) {
    added = command.add_flag_function(
        flag,
        // CLI11 counts `--flag` as 1 and `--flag=false` as -1.
        [&options, &option](std::int64_t count) {
          assign(option, count > 0 ? option.flag_sets : !option.flag_sets, options);
        },
        help_text(option));
  } else if (option.kind == Kind::kStringList) {
    added = command
                .add_option_function<std::vector<std::string>>(
                    flag,
                    [&options, &option](const std::vector<std::string>& items) {
                      assign(option, items, options);
                    },
                    help_text(option))
                ->type_name(value_name(option));
  } else {
    added = command
                .add_option_function<std::string>(
                    flag,
                    [&options, &option, flag](const std::string& text) {
                      Checked checked = check_text(option, text);
                      if (!checked.problem.empty())
                        throw CLI::ValidationError(flag, checked.problem);
                      assign(option, checked.value, options);
                    },
                    help_text(option))
                ->type_name(value_name(option));
    if (auto shown = toml_text(option, defaults)) {
      // A string as typed on a command line, not as a TOML literal.
      if (auto* text = std::get_if<std::string CrawlOptions::*>(&option.field))
        shown = defaults.**text;
      added->default_str(*shown);
    }
  }
  added->group(group_name(option.key));

  if (!option.old_ms_flag.empty()) {
    std::string old(option.old_ms_flag);
    command
        .add_option_function<std::int64_t>(
            old,
            [&options, &option, old, flag](std::int64_t ms) {
              warn_deprecated(old, flag);
              Checked checked =
                  check_seconds(option, static_cast<double>(ms) / 1000, std::to_string(ms) + " ms");
              if (!checked.problem.empty()) throw CLI::ValidationError(old, checked.problem);
              assign(option, checked.value, options);
            },
            "Deprecated: " + flag + " in milliseconds")
        ->group("");  // hidden from --help
  }
}

}  // namespace

void add_option_flags(CLI::App& command, CrawlOptions& options, bool serve) {
  static const CrawlOptions defaults;
  for (const Option& option : options_table()) {
    if (option.commands == Commands::kServe && !serve) continue;
    add_flag(command, options, option, defaults);
  }
}

bool flag_given(const CLI::App& command, const Option& option) {
  auto given = [&](std::string_view flag) {
    if (flag.empty()) return false;
    const CLI::Option* found = command.get_option_no_throw(std::string(flag));
    return found && found->count() > 0;
  };
  return given(option.flag) || given(option.old_ms_flag);
}

}  // namespace crawler::config
