// frontier_memory: resident memory of the frontier against its size.
// Queues N URLs spread over 1,000 hosts (as links a crawl discovers) and
// prints the process's RSS after each step, for N = 10,000, 100,000 and
// 1,000,000 by default. A benchmark, not a test: it prints figures.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "crawler/frontier.hpp"

namespace {

long rss_kb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<long> steps{10'000, 100'000, 1'000'000};
  if (argc > 1) steps = {std::strtol(argv[1], nullptr, 10)};
  long before = rss_kb();
  std::printf("%12s %10s %14s %12s\n", "queued URLs", "RSS MB", "bytes per URL", "seen set MB");
  crawler::FrontierLimits limits;
  crawler::Frontier frontier(limits);
  long added = 0;
  for (long target : steps) {
    for (; added < target; ++added) {
      std::string url = "https://host" + std::to_string(added % 1000) + ".example.org/articles/" +
                        std::to_string(added / 1000) + "/a-typical-page-name.html";
      frontier.add(url, 1);
    }
    long rss = rss_kb();
    std::printf("%12ld %10.1f %14.0f %12.1f\n", added, rss / 1024.0,
                (rss - before) * 1024.0 / added, frontier.seen_memory_bytes() / 1048576.0);
  }
  return 0;
}
