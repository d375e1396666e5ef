// pg_write_replay: the database's side of a fleet alone. It replays the
// commits a crawl made (its pages with their text, links and the URLs they
// queued, read from a SQLite crawl database) into PostgreSQL at full speed,
// from W workers at once, each through its own PgStore with the lease
// traffic a crawler makes: claim origins, write their pages in batches,
// release them. It goes breadth first, as the crawl did: only seeds are
// queued up front, and each URL goes in when a page first queues it. The
// crawl is repeated R times under new paths to make it bigger. It prints
// the pages per second the database absorbed and its own CPU time, and
// checks that every page was stored exactly once.
//
// Batches are B pages each, or, with --rate P, what a crawler's writer
// would find waiting: each worker stands for a crawler fetching P pages a
// second, and writes every page fetched by now (at least one) in a batch,
// as PageWriter does. A database that keeps up absorbs W x P pages a
// second; one that falls behind gets bigger batches, as a fleet's does.
//
//   pg_write_replay --from crawl.db --to postgresql://... [--workers W]
//                   [--repeat R] [--batch B | --rate P] [--search-index on|off]
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/recorded_crawl.hpp"
#include "parsers/url.hpp"
#include "storage/crawl_store.hpp"
#include "storage/postgres/pg.hpp"

namespace {

using crawler::bench::recorded_pages;
using crawler::bench::under;
using crawler::storage::PageRecord;

struct Options {
  std::string from, to;
  int workers = 1;
  int repeat = 1;
  std::size_t batch = 64;
  double rate = 0;  // pages a second each worker's crawler fetches; 0: fixed batches
  bool index_text = true;
};

// This process's CPU time (user + system), in seconds.
double process_cpu_s() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--from")
      options.from = value;
    else if (flag == "--to")
      options.to = value;
    else if (flag == "--workers")
      options.workers = std::atoi(value.c_str());
    else if (flag == "--repeat")
      options.repeat = std::atoi(value.c_str());
    else if (flag == "--batch")
      options.batch = static_cast<std::size_t>(std::atoi(value.c_str()));
    else if (flag == "--rate")
      options.rate = std::atof(value.c_str());
    else if (flag == "--search-index")
      options.index_text = value != "off";
    else {
      std::fprintf(stderr, "pg_write_replay: unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  if (options.from.empty() || options.to.empty() || options.workers < 1 || options.repeat < 1 ||
      options.batch < 1 || options.rate < 0) {
    std::fprintf(stderr,
                 "usage: pg_write_replay --from crawl.db --to postgresql://... [--workers W]"
                 " [--repeat R] [--batch B | --rate P] [--search-index on|off]\n");
    std::exit(2);
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse(argc, argv);
  std::vector<PageRecord> recorded = recorded_pages(options.from);
  // Pages by depth, then origin. The replay goes breadth first, as the
  // crawl did: a wave's pages are written once the pages that queued their
  // URLs are, and within a wave a worker writes the pages of the origins it
  // leases, in batches across them as a crawler's writer does.
  std::vector<std::map<std::string, std::vector<PageRecord>>> waves;  // moved out when written
  std::vector<std::string> seeds;
  for (int r = 0; r < options.repeat; ++r)
    for (const PageRecord& page : recorded) {
      PageRecord copy = under(page, r);
      // Only seeds are queued up front: every other URL goes in when a page queues it.
      if (copy.depth == 0) seeds.push_back(copy.url);
      if (waves.size() <= static_cast<std::size_t>(copy.depth)) waves.resize(copy.depth + 1);
      waves[copy.depth][std::string(crawler::parsers::normalized_origin(copy.url))].push_back(
          std::move(copy));
    }
  std::size_t total = recorded.size() * static_cast<std::size_t>(options.repeat);
  crawler::storage::StoreOptions store_options;
  store_options.index_text = options.index_text;
  {
    auto setup = crawler::storage::open_crawl_store(options.to, store_options);
    for (std::size_t i = 0; i < seeds.size(); i += 10'000)
      setup->queue(
          {seeds.begin() + static_cast<std::ptrdiff_t>(i),
           seeds.begin() + static_cast<std::ptrdiff_t>(std::min(i + 10'000, seeds.size()))},
          0);
  }

  std::atomic<std::size_t> written{0}, fenced{0}, rounds{0}, batches{0};
  std::vector<std::atomic<std::size_t>> wave_done(waves.size());
  std::vector<std::size_t> wave_total(waves.size());
  for (std::size_t d = 0; d < waves.size(); ++d)
    for (const auto& [origin, pages] : waves[d]) wave_total[d] += pages.size();
  std::mutex taken_mutex;
  std::set<std::pair<std::size_t, std::string>> taken;  // (wave, origin) a worker wrote
  std::barrier wave_end(options.workers);
  double cpu_before = process_cpu_s();
  auto started = std::chrono::steady_clock::now();
  auto deadline = started + std::chrono::minutes(10);
  std::atomic<bool> late{false};
  std::vector<std::thread> workers;
  for (int w = 0; w < options.workers; ++w)
    workers.emplace_back([&] {
      auto store = crawler::storage::open_crawl_store(options.to, store_options);
      using Clock = std::chrono::steady_clock;
      const auto interval = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(options.rate > 0 ? 1 / options.rate : 0));
      // With --rate, the crawler keeps a quarter second of work claimed ahead.
      const std::size_t lookahead =
          options.rate > 0 ? std::max<std::size_t>(1, static_cast<std::size_t>(options.rate / 4))
                           : 1;
      for (std::size_t d = 0; d < waves.size(); ++d) {
        std::size_t wave_pages = wave_total[d];
        // Origins are held to the end of the wave, as a crawler holds an
        // origin while it works there: claims move on to the others.
        crawler::storage::LeaseRound release;
        std::vector<PageRecord> mine;            // claimed; from `first` on, not written yet
        std::vector<Clock::time_point> fetched;  // with --rate: when each of mine is fetched
        std::size_t first = 0;
        while (wave_done[d] < wave_pages && !late) {
          if (std::chrono::steady_clock::now() > deadline) late = true;
          if (mine.size() - first < lookahead) {
            mine.erase(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(first));
            fetched.erase(fetched.begin(), fetched.begin() + static_cast<std::ptrdiff_t>(first));
            first = 0;
            crawler::storage::LeaseRound claim;
            claim.claim = 8;
            auto grant = store->lease(claim);
            ++rounds;
            auto claimed_at = Clock::now();
            for (const std::string& origin : grant.claimed) {
              release.release.push_back(origin);
              auto it = waves[d].find(origin);
              if (it == waves[d].end()) continue;  // queued for a later wave
              std::lock_guard lock(taken_mutex);
              if (!taken.emplace(d, origin).second) continue;  // written already
              for (PageRecord& page : it->second) {
                // One page every 1/P s, none before its origin is claimed.
                fetched.push_back(
                    fetched.empty() ? claimed_at : std::max(fetched.back() + interval, claimed_at));
                mine.push_back(std::move(page));
              }
            }
            // Nothing free: the other workers are finishing the wave.
            if (grant.claimed.empty() && first == mine.size())
              std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
          if (first == mine.size()) continue;
          // A fixed batch, or (as PageWriter does) every page fetched by now.
          std::size_t n = std::min(options.batch, mine.size() - first);
          if (options.rate > 0) {
            std::this_thread::sleep_until(fetched[first]);
            n = static_cast<std::size_t>(
                std::upper_bound(fetched.begin() + static_cast<std::ptrdiff_t>(first),
                                 fetched.end(), Clock::now()) -
                (fetched.begin() + static_cast<std::ptrdiff_t>(first)));
          }
          std::size_t left_out = store->write(std::span(mine.data() + first, n));
          first += n;
          written += n - left_out;
          fenced += left_out;
          wave_done[d] += n;
          ++batches;
        }
        store->lease(release);
        ++rounds;
        wave_end.arrive_and_wait();
      }
    });
  for (auto& worker : workers) worker.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  double driver_cpu = process_cpu_s() - cpu_before;

  crawler::storage::pg::Connection check(options.to);
  auto counts = check.exec("SELECT count(*), count(DISTINCT url_id) FROM pages");
  bool once = !late && counts.int64(0, 0) == static_cast<std::int64_t>(total) &&
              counts.int64(0, 1) == counts.int64(0, 0);
  std::printf(
      "workers=%d pages=%zu stored=%lld distinct=%lld fenced=%zu lease_rounds=%zu batches=%zu "
      "seconds=%.3f pages_per_second=%.1f offered_per_second=%.0f pages_per_batch=%.1f "
      "driver_cpu_s=%.2f exactly_once=%s\n",
      options.workers, total, static_cast<long long>(counts.int64(0, 0)),
      static_cast<long long>(counts.int64(0, 1)), fenced.load(), rounds.load(), batches.load(),
      seconds, written.load() / seconds, options.rate * options.workers,
      static_cast<double>(written.load()) / static_cast<double>(std::max<std::size_t>(batches, 1)),
      driver_cpu, once ? "yes" : "no");
  return once ? 0 : 1;
}
