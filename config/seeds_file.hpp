// Seed list files: one URL per line; blank lines and lines starting with '#'
// are ignored. A line that is not an http(s) URL is skipped with a warning
// naming its line number; a file with no valid URL, or that cannot be read,
// is an error naming the path.
#pragma once

#include <string>
#include <vector>

namespace crawler::config {

struct SeedList {
  std::vector<std::string> urls;      // normalized, in file order, without duplicates
  std::vector<std::string> warnings;  // "seeds.txt:3: not an http(s) URL: ftp://x"
  std::string error;                  // non-empty: the list is unusable
};

SeedList load_seed_list(const std::string& path);

}  // namespace crawler::config
