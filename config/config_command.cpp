// `crawler config example|check`: see config_command.hpp. Only prints and
// maps results to exit codes; config_file.cpp owns the keys and the checks.
#include "config/config_command.hpp"

#include "config/config_file.hpp"
#include "config/crawl_options.hpp"

namespace crawler::config {

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;  // as crawler::kExitUsage (crawler/commands/commands.hpp)

}  // namespace

int run_config_example(std::ostream& out) {
  out << example_config();
  return kExitOk;
}

int run_config_check(const std::string& path, std::ostream& out, std::ostream& err) {
  CrawlOptions options;
  if (auto error = apply_config_file(path, options)) {
    err << error->message << "\n";
    return kExitUsage;
  }
  out << "ok: " << path << "\n";
  return kExitOk;
}

}  // namespace crawler::config
