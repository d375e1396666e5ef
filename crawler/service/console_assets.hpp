// The web console's files (crawler/service/console/ and Debian's Chart.js), built
// into the binary so the console works offline and a package upgrade
// cannot change what a running crawler serves.
#pragma once

#include <string_view>
#include <vector>

namespace crawler {

struct EmbeddedFile {
  std::string_view path;  // served under this path: "/", "/console/console.js", ...
  std::string_view body;
};

const std::vector<EmbeddedFile>& console_files();

}  // namespace crawler
