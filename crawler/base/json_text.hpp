// JSON text for command output: string escaping and number formatting.
// Invalid UTF-8 is replaced with U+FFFD so every line parses.
#pragma once

#include <string>
#include <string_view>

namespace crawler {

std::string json_string(std::string_view text);
std::string format_json_number(double value);

}  // namespace crawler
