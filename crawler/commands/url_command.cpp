// `crawler url`: see url_command.hpp. Each line is complete JSON (strings
// escaped by json_string), so the output can be piped to jq line by line.
// Parsing is parsers::parse_url_for_display's; this file only prints.
#include "crawler/commands/url_command.hpp"

#include <iostream>

#include "crawler/base/json_text.hpp"
#include "crawler/commands/commands.hpp"
#include "parsers/url.hpp"

namespace crawler {

namespace {

std::string url_line(const std::string& input, const parsers::ParsedUrl& parsed) {
  std::string line = "{\"input\":" + json_string(input);
  if (!parsed.error.empty()) return line + ",\"error\":" + json_string(parsed.error) + "}";
  line += ",\"href\":" + json_string(parsed.href);
  if (parsed.key) line += ",\"key\":" + json_string(*parsed.key);
  return line + "}";
}

}  // namespace

int run_url_command(const UrlOptions& options) {
  std::optional<std::string_view> base;
  if (options.base) {
    parsers::ParsedUrl parsed_base = parsers::parse_url_for_display(std::nullopt, *options.base);
    if (!parsed_base.error.empty()) {
      std::cerr << "crawler url: invalid base URL '" << *options.base << "': " << parsed_base.error
                << "\n";
      return kExitUsage;
    }
    base = *options.base;
  }
  for (const auto& input : options.inputs)
    std::cout << url_line(input, parsers::parse_url_for_display(base, input)) << "\n";
  std::cout.flush();
  return kExitOk;
}

}  // namespace crawler
