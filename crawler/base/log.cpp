// log: see log.hpp.
#include "crawler/base/log.hpp"

#include "crawler/base/json_text.hpp"
#include "crawler/base/unix_time.hpp"
#include "storage/page_record.hpp"

namespace crawler::log {

namespace {

Settings current;

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarning:
      return "warning";
    case Level::kError:
      return "error";
  }
  return "?";
}

}  // namespace

void configure(const Settings& settings) {
  current = settings;
}

const Settings& settings() {
  return current;
}

std::optional<Level> parse_level(std::string_view name) {
  if (name == "debug") return Level::kDebug;
  if (name == "info") return Level::kInfo;
  if (name == "warning" || name == "warn") return Level::kWarning;
  if (name == "error") return Level::kError;
  return std::nullopt;
}

std::string format(Level level, std::string_view message, std::initializer_list<Field> fields) {
  std::string line;
  if (current.json) {
    line = "{\"time\":\"" + storage::iso8601_utc(unix_ms_now()) + "\",\"level\":\"" +
           std::string(level_name(level)) + "\",\"msg\":" + json_string(message);
    for (const Field& field : fields) line += "," + json_string(field.key) + ":" + field.value;
    line += "}\n";
    return line;
  }
  line = "crawler: ";
  if (level != Level::kInfo) line += std::string(level_name(level)) + ": ";
  line += message;
  for (const Field& field : fields) line += " " + std::string(field.key) + "=" + field.value;
  line += "\n";
  return line;
}

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (level < current.level) return;
  std::string line = format(level, message, fields);
  std::fwrite(line.data(), 1, line.size(), current.out);
  std::fflush(current.out);
}

}  // namespace crawler::log
