// Fetches counted where they happen: at the test servers. The database keeps
// one row per URL (pages.url_id is UNIQUE) whatever the crawler did, so only
// the servers' request logs show a page fetched twice. Across runs ended by
// kill -9, a refetch is charged to the run whose fetch it repeats: the work
// that kill lost, which the README bounds by the write backlog plus the
// fetches in flight.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/test_server.hpp"

namespace crawler::testing {

/// Most records a crawl holds for the writer before it stops scheduling
/// (kMaxWriteBacklog in crawler/crawl_engine.cpp; the README promises it).
inline constexpr std::size_t kWriteBacklogRecords = 256;

/// GETs per target (query included) among `requests` whose target starts
/// with `prefix`.
inline std::map<std::string, std::size_t> gets_by_target(const std::vector<RequestRecord>& requests,
                                                         std::string_view prefix) {
  std::map<std::string, std::size_t> out;
  for (const auto& request : requests)
    if (request.method == "GET" && request.target.starts_with(prefix)) ++out[request.target];
  return out;
}

/// The most of `times` (request arrivals) in any window of `width`.
inline std::size_t most_in_any_window(std::vector<std::chrono::steady_clock::time_point> times,
                                      std::chrono::milliseconds width) {
  std::sort(times.begin(), times.end());
  std::size_t most = 0;
  for (std::size_t i = 0, j = 0; i < times.size(); ++i) {
    while (j < times.size() && times[j] < times[i] + width) ++j;
    most = std::max(most, j - i);
  }
  return most;
}

/// The requests `server` saw from `from` on (an earlier request_count()).
inline std::vector<RequestRecord> requests_since(const TestServer& server, std::size_t from) {
  std::vector<RequestRecord> all = server.requests();
  all.erase(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(std::min(from, all.size())));
  return all;
}

/// Exactly `targets` distinct targets under `prefix` were fetched, each once.
inline void expect_each_fetched_once(const std::vector<RequestRecord>& requests,
                                     std::string_view prefix, std::size_t targets) {
  auto fetched = gets_by_target(requests, prefix);
  EXPECT_EQ(fetched.size(), targets) << "distinct targets fetched under " << prefix;
  for (const auto& [target, times] : fetched) EXPECT_EQ(times, 1u) << target << " fetched";
}

/// No target under `prefix` was fetched more than once.
inline void expect_none_fetched_twice(const std::vector<RequestRecord>& requests,
                                      std::string_view prefix) {
  for (const auto& [target, times] : gets_by_target(requests, prefix))
    EXPECT_EQ(times, 1u) << target << " fetched";
}

/// How the GETs of a crawl made of several runs fall: `lost[r]` counts the
/// fetches of run r that a later run made again (what ending run r cost);
/// `twice_in_a_run` names the targets a single run fetched more than once.
struct Refetches {
  std::vector<std::size_t> lost;
  std::vector<std::string> twice_in_a_run;
};

/// Splits `requests` into runs at `run_ends` (each run's end, in order; what
/// comes after the last is the final run) and counts the refetches of
/// targets under `prefix`.
inline Refetches count_refetches(
    const std::vector<RequestRecord>& requests, std::string_view prefix,
    const std::vector<std::chrono::steady_clock::time_point>& run_ends) {
  Refetches out;
  out.lost.assign(run_ends.size() + 1, 0);
  std::map<std::string, std::size_t> last_run;  // of each target's latest GET
  for (const auto& request : requests) {
    if (request.method != "GET" || !request.target.starts_with(prefix)) continue;
    auto run = static_cast<std::size_t>(
        std::upper_bound(run_ends.begin(), run_ends.end(), request.at) - run_ends.begin());
    auto [seen, first] = last_run.try_emplace(request.target, run);
    if (first) continue;
    if (seen->second == run) {
      out.twice_in_a_run.push_back(request.target + " (run " + std::to_string(run) + ")");
    } else {
      ++out.lost[seen->second];
    }
    seen->second = run;
  }
  return out;
}

/// Adds `more` to `total`, run by run (the same runs, counted at another server).
inline void add_refetches(Refetches& total, const Refetches& more) {
  total.lost.resize(std::max(total.lost.size(), more.lost.size()), 0);
  for (std::size_t run = 0; run < more.lost.size(); ++run) total.lost[run] += more.lost[run];
  total.twice_in_a_run.insert(total.twice_in_a_run.end(), more.twice_in_a_run.begin(),
                              more.twice_in_a_run.end());
}

/// No run fetched a target twice, and no run ended by a kill cost more
/// refetches than the write backlog plus `in_flight` fetches.
inline void expect_refetches_within_the_backlog(const Refetches& refetches, std::size_t in_flight) {
  for (const auto& target : refetches.twice_in_a_run)
    ADD_FAILURE() << target << " was fetched twice by one run";
  for (std::size_t run = 0; run < refetches.lost.size(); ++run)
    EXPECT_LE(refetches.lost[run], kWriteBacklogRecords + in_flight)
        << "fetches of run " << run << " made again after it was killed";
}

}  // namespace crawler::testing
