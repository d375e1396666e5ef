// sqlite_write_replay: the SQLite writer's CPU per page, alone. It replays
// the pages a crawl stored (text, links and the URLs each page queued, read
// from a crawl database) into a new SQLite file through PageStore, B pages a
// transaction, on one thread, the way the crawl's writer thread wrote them,
// and prints that thread's CPU time per page. Without the network and the
// parser beside it, the writer's cost is measured to a few percent, where a
// whole crawl on a busy machine moves by ten. The crawl is repeated R times
// under new paths to make it bigger (FTS5's merges grow with the index).
//
//   sqlite_write_replay --from crawl.db --to new.db [--batch B] [--repeat R]
//                       [--search-index on|off] [--sql STATEMENTS]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/recorded_crawl.hpp"
#include "storage/sqlite/page_store.hpp"

namespace {

using crawler::bench::recorded_pages;
using crawler::bench::under;
using crawler::storage::PageRecord;

struct Options {
  std::string from, to;
  std::size_t batch = 120;  // what bench/crawl_site's writer found waiting, on average
  int repeat = 1;
  bool index_text = true;
  std::string sql;  // run on a second connection once the store is open (e.g. FTS5 settings)
};

// This thread's CPU time, user and system, in seconds.
std::pair<double, double> thread_cpu_s() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--from")
      options.from = value;
    else if (flag == "--to")
      options.to = value;
    else if (flag == "--batch")
      options.batch = static_cast<std::size_t>(std::atoi(value.c_str()));
    else if (flag == "--repeat")
      options.repeat = std::atoi(value.c_str());
    else if (flag == "--search-index")
      options.index_text = value != "off";
    else if (flag == "--sql")
      options.sql = value;
    else {
      std::fprintf(stderr, "sqlite_write_replay: unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  if (options.from.empty() || options.to.empty() || options.batch < 1 || options.repeat < 1) {
    std::fprintf(stderr,
                 "usage: sqlite_write_replay --from crawl.db --to new.db [--batch B]"
                 " [--repeat R] [--search-index on|off] [--sql STATEMENTS]\n");
    std::exit(2);
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse(argc, argv);
  std::vector<PageRecord> recorded = recorded_pages(options.from);
  std::vector<PageRecord> pages;
  pages.reserve(recorded.size() * static_cast<std::size_t>(options.repeat));
  std::vector<std::string> seeds;
  for (int r = 0; r < options.repeat; ++r)
    for (const PageRecord& page : recorded) {
      pages.push_back(under(page, r));
      if (page.depth == 0) seeds.push_back(pages.back().url);
    }
  crawler::storage::PageStore store(options.to, options.index_text);
  store.queue(seeds, 0);
  if (!options.sql.empty()) {
    crawler::storage::Database side(options.to, SQLITE_OPEN_READWRITE);
    side.exec(options.sql);
  }
  auto [user_before, sys_before] = thread_cpu_s();
  auto started = std::chrono::steady_clock::now();
  std::size_t batches = 0;
  for (std::size_t i = 0; i < pages.size(); i += options.batch) {
    std::size_t n = std::min(options.batch, pages.size() - i);
    store.write(std::span(pages.data() + i, n));
    ++batches;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto [user_after, sys_after] = thread_cpu_s();
  double user = user_after - user_before, sys = sys_after - sys_before;
  std::int64_t stored = store.page_count();
  std::printf(
      "pages=%zu stored=%lld batches=%zu seconds=%.3f cpu_s=%.3f user_s=%.3f sys_s=%.3f "
      "cpu_ms_per_page=%.4f\n",
      pages.size(), static_cast<long long>(stored), batches, seconds, user + sys, user, sys,
      1000.0 * (user + sys) / static_cast<double>(pages.size()));
  return stored == static_cast<std::int64_t>(pages.size()) ? 0 : 1;
}
