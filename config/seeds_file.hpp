// Seed list files: one URL per line; blank lines and lines starting with '#'
// are ignored. A line that is not an http(s) URL is skipped with a warning
// naming its line number; a file with no valid URL, or that cannot be read,
// is an error naming the path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace crawler::config {

struct SeedList {
  struct Rejected {
    int line = 0;
    std::string input;
  };
  std::vector<std::string> urls;      // normalized, in file order, without duplicates
  std::vector<std::string> warnings;  // "seeds.txt:3: not an http(s) URL: ftp://x"
  std::vector<Rejected> rejected;     // the lines those warnings name
  std::string error;                  // non-empty: the list is unusable
};

SeedList load_seed_list(const std::string& path);

/// The same rules over text in hand; `source` names it in messages.
SeedList parse_seed_text(std::string_view text, const std::string& source);

}  // namespace crawler::config
