// Seed list files: see seeds_file.hpp.
#include "config/seeds_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "parsers/ascii.hpp"
#include "parsers/url.hpp"

namespace crawler::config {

namespace {

// Reads lines from `in` into `list` (no error for an empty list yet).
void read_seeds(std::istream& in, const std::string& source, SeedList& list) {
  std::unordered_set<std::string> seen;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string text(parsers::trim_ascii_space(line));
    if (text.empty() || text.front() == '#') continue;
    auto url = parsers::normalize_url(text);
    if (!url) {
      list.warnings.push_back(source + ":" + std::to_string(number) +
                              ": not an http(s) URL, skipped: " + text);
      list.rejected.push_back({number, text});
      continue;
    }
    if (seen.insert(*url).second) list.urls.push_back(std::move(*url));
  }
}

}  // namespace

SeedList load_seed_list(const std::string& path) {
  SeedList list;
  std::ifstream in(path);
  if (!in) {
    list.error = "cannot read seeds file '" + path + "': " + std::strerror(errno);
    return list;
  }
  read_seeds(in, path, list);
  if (in.bad()) {
    list.error = "error reading seeds file '" + path + "'";
  } else if (list.urls.empty()) {
    list.error = "seeds file '" + path + "' holds no valid http(s) URL";
  }
  return list;
}

SeedList parse_seed_text(std::string_view text, const std::string& source) {
  SeedList list;
  std::istringstream in{std::string(text)};
  read_seeds(in, source, list);
  if (list.urls.empty()) list.error = source + " holds no valid http(s) URL";
  return list;
}

}  // namespace crawler::config
