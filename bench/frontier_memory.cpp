// frontier_memory: resident memory of the frontier against its size.
// Discovers N URLs over 1,000 hosts as a crawl does: each is offered to the
// Frontier and queued durably in a scratch database, 5,000 per transaction.
// Prints the process's RSS at N = 10,000, 100,000 and 1,000,000, then
// resumes from the database as a restarted crawler would (one refill, then
// the seen set loaded behind it) and prints RSS again, and how soon
// fetching could have started. A benchmark, not a test: it prints figures.
//
//   frontier_memory [--frontier-memory URLS] [--seen-memory MIB] [--steps N,N,...]
// A --frontier-memory above the largest step holds every URL in memory:
// the frontier as it was before the window, for comparison in one run.
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "crawler/frontier/frontier.hpp"
#include "crawler/frontier/frontier_refill.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

// A field of /proc/self/status in KB: "VmRSS:" now, "VmHWM:" the peak.
long status_kb(const std::string& field = "VmRSS:") {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind(field, 0) == 0) return std::strtol(line.c_str() + field.size(), nullptr, 10);
  return -1;
}

std::string url_of(long n) {
  return "https://host" + std::to_string(n % 1000) + ".example.org/articles/" +
         std::to_string(n / 1000) + "/a-typical-page-name.html";
}

void print_row(const char* what, long urls, const crawler::Frontier& frontier, long base_kb) {
  long rss = status_kb();
  std::printf("%-8s %12ld %10.1f %14.0f %12zu %12.1f\n", what, urls, rss / 1024.0,
              (rss - base_kb) * 1024.0 / urls, frontier.queued(),
              frontier.seen_memory_bytes() / 1048576.0);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<long> steps{10'000, 100'000, 1'000'000};
  crawler::FrontierLimits limits;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--frontier-memory") == 0) {
      limits.max_queued = std::strtoul(argv[i + 1], nullptr, 10);
    } else if (std::strcmp(argv[i], "--seen-memory") == 0) {
      limits.seen_memory = std::strtoul(argv[i + 1], nullptr, 10) << 20;
    } else if (std::strcmp(argv[i], "--steps") == 0) {
      steps.clear();
      for (char* p = argv[i + 1]; *p;) {
        steps.push_back(std::strtol(p, &p, 10));
        if (*p == ',') ++p;
      }
    } else {
      std::fprintf(stderr,
                   "usage: frontier_memory [--frontier-memory URLS] [--seen-memory MIB]"
                   " [--steps N,N,...]\n");
      return 2;
    }
  }
  auto dir =
      std::filesystem::temp_directory_path() / ("frontier_memory_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string db = (dir / "crawl.db").string();

  std::printf("frontier memory %zu URLs, host window %zu, seen memory %zu MiB\n", limits.max_queued,
              limits.host_window, limits.seen_memory >> 20);
  std::printf("%-8s %12s %10s %14s %12s %12s\n", "", "known URLs", "RSS MB", "bytes per URL",
              "in memory", "seen set MB");
  long base = status_kb();
  auto started = std::chrono::steady_clock::now();
  {
    crawler::storage::PageStore store(db, false);
    crawler::Frontier frontier(limits);
    crawler::storage::PageRecord batch;
    batch.queue_only = true;
    batch.queued_depth = 1;
    long added = 0;
    for (long target : steps) {
      for (; added < target; ++added) {
        std::string url = url_of(added);
        auto outcome = frontier.add(url, 1);
        if (outcome == crawler::AddOutcome::kQueued || outcome == crawler::AddOutcome::kUncertain)
          batch.queued.push_back(std::move(url));
        if (batch.queued.size() == 5000 || added + 1 == target) {
          store.write(std::span(&batch, 1));
          batch.queued.clear();
        }
      }
      print_row("crawl", added, frontier, base);
    }
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  long discovery_peak_kb = status_kb("VmHWM:");
  malloc_trim(0);  // what the crawl freed goes back, so the resume's figure is its own
  std::ofstream("/proc/self/clear_refs") << "5";  // the peak starts again from here

  // A restart as the crawler does it: the first refill at once (fetching
  // could start), then the seen set loaded behind it in chunks.
  using Clock = std::chrono::steady_clock;
  auto since = [](Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  auto restart = Clock::now();
  crawler::storage::SqliteStore store(db, {.index_text = false});
  crawler::storage::LeftByEarlierRuns left = store.left_by_earlier_runs();
  double opened_s = since(restart);
  crawler::Frontier frontier(limits);
  frontier.expect_seen_loading();
  if (left.queued) frontier.expect_stored_urls();
  crawler::RefillPlan plan = frontier.plan_refill();
  frontier.refilled(plan, crawler::read_refill(store, plan));
  double first_fetch_s = since(restart);
  std::size_t held = frontier.queued();
  frontier.reserve_seen(static_cast<std::size_t>(store.seen_url_count()));
  crawler::storage::SeenCursor cursor;
  long loaded = 0;
  for (constexpr std::size_t kChunk = 20'000;;) {
    std::vector<std::string> urls = store.seen_urls(cursor, kChunk);
    for (const std::string& url : urls) frontier.mark_seen(url);
    loaded += static_cast<long>(urls.size());
    if (urls.size() < kChunk) break;
  }
  frontier.seen_loaded();
  print_row("resume", loaded, frontier, base);
  std::printf("%.0f URLs/s discovered and queued durably\n", steps.back() / seconds);
  std::printf(
      "restart: database open after %.2f s; fetching could start after %.2f s (%zu URLs "
      "held); the seen set of %ld URLs was loaded after %.2f s\n",
      opened_s, first_fetch_s, held, loaded, since(restart));
  std::printf("peak RSS: %.1f MB while discovering, %.1f MB while restarting\n",
              discovery_peak_kb / 1024.0, status_kb("VmHWM:") / 1024.0);
  std::filesystem::remove_all(dir);
  return 0;
}
