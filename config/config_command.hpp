// `crawler config example` and `crawler config check FILE`: print the
// commented example configuration, or check a configuration file exactly as
// `crawl --config FILE` would read it. Exit codes follow the other
// subcommands: 0 success, 2 an unusable file (the error names file:line).
#pragma once

#include <iostream>
#include <string>

namespace crawler::config {

/// Prints example_config() to `out`. Returns 0.
int run_config_example(std::ostream& out = std::cout);

/// Reads the TOML file at `path` as apply_config_file() does. Prints
/// "ok: PATH" to `out` and returns 0, or prints the error to `err` and
/// returns 2. The environment is not consulted.
int run_config_check(const std::string& path, std::ostream& out = std::cout,
                     std::ostream& err = std::cerr);

}  // namespace crawler::config
