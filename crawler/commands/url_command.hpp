// `crawler url`: shows how the crawler reads URLs, as a browser would (WHATWG
// URL Standard), and the key it deduplicates them on. One JSON object per
// input, one per line, in input order; a bad input is reported on its own
// line and does not stop the rest.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace crawler {

struct UrlOptions {
  /// URL the inputs are resolved against, as a page's address would be.
  std::optional<std::string> base;
  /// URLs or relative references, taken literally (even when they start with '-').
  std::vector<std::string> inputs;
};

/// Prints {"input":…,"href":…,"key":…} (key only for http(s)) or
/// {"input":…,"error":…} per input. Returns kExitOk once it ran, kExitUsage
/// when the base itself does not parse (said on stderr).
int run_url_command(const UrlOptions& options);

}  // namespace crawler
