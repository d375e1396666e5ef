// log: the crawler's diagnostics, one line each, with a level. As text for
// people ("crawler: warning: robots.txt unreachable") or as JSON lines for
// log collectors ({"time":"2026-11-27T06:50:00.123Z","level":"warning",
// "msg":"..."}). Numbers that go with a line (a progress report's counts)
// are fields: "key=value" in text, members in JSON. Lines below the
// configured level are dropped. Written to stderr unless configured
// otherwise; one write per line, so lines of threads do not interleave.
#pragma once

#include <cstdio>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace crawler::log {

enum class Level { kDebug, kInfo, kWarning, kError };

struct Settings {
  Level level = Level::kInfo;
  bool json = false;
  std::FILE* out = stderr;
};

/// A number to go with a line, already formatted ("12", "3.5").
struct Field {
  std::string_view key;
  std::string value;
};

void configure(const Settings& settings);
const Settings& settings();

/// "debug", "info", "warning" (or "warn"), "error".
std::optional<Level> parse_level(std::string_view name);

/// The line as it would be written (with its newline), whatever the level.
std::string format(Level level, std::string_view message, std::initializer_list<Field> fields = {});

void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});
inline void debug(std::string_view message) {
  write(Level::kDebug, message);
}
inline void info(std::string_view message) {
  write(Level::kInfo, message);
}
inline void warning(std::string_view message) {
  write(Level::kWarning, message);
}
inline void error(std::string_view message) {
  write(Level::kError, message);
}

}  // namespace crawler::log
