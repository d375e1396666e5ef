// The command-line flags of `crawl` and `serve`, derived from the option
// table (option_table.hpp): one flag per option, parsed and checked as its
// CRAWLER_* variable is, with the table's help, range and default.
#pragma once

#include <CLI/CLI.hpp>

#include "config/crawl_options.hpp"
#include "config/option_table.hpp"

namespace crawler::config {

/// Adds the flags to `command`, writing into `options` as they are parsed.
/// `serve`: the serve-only flags too. The old millisecond spellings
/// (--timeout-ms, ...) are taken with a warning on stderr.
void add_option_flags(CLI::App& command, CrawlOptions& options, bool serve);

/// Whether `command`'s parse gave `option`'s flag (or its old spelling).
bool flag_given(const CLI::App& command, const Option& option);

}  // namespace crawler::config
