// FetchLog: what the web console shows of the fetches behind it, kept in
// bounded memory on the loop thread: a tally per origin (pages, errors,
// time spent, last fetch), the most recent failures with their URLs, and
// the crawl log: the most recent page records of every outcome.
// The engine notes every page record it stores; the console reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/page_record.hpp"

namespace crawler {

class FetchLog {
 public:
  struct Tally {
    std::uint64_t fetched = 0;
    std::uint64_t errors = 0;
    double total_ms = 0;
    std::int64_t last_fetch_ms = 0;  // Unix milliseconds
  };
  struct Failure {
    std::string kind;  // the page's error: "timeout", "http_404", "blocked", ...
    std::string url;
    std::string detail;
    std::int64_t at_ms = 0;  // Unix milliseconds
  };

  /// One line of the crawl log: a page record as it went to the writer.
  struct Entry {
    std::uint64_t seq = 0;   // 1, 2, ...: a reader asks for those after the last it saw
    std::int64_t at_ms = 0;  // Unix milliseconds
    std::string origin;
    std::string url;
    long status = 0;    // 0: no HTTP response
    std::string error;  // empty: none
    std::int64_t bytes = 0;
    double ms = 0;
  };

  /// Keeps at most `max_failures` failures, `max_entries` log lines and
  /// `max_origins` tallies; past that, tallies of origins `keep` no longer
  /// wants are dropped.
  explicit FetchLog(std::size_t max_failures = 1000, std::size_t max_origins = 50'000,
                    std::size_t max_entries = 5000)
      : max_failures_(max_failures), max_origins_(max_origins), max_entries_(max_entries) {}

  void note(std::string_view origin, const storage::PageRecord& record);

  /// nullptr when the origin was never noted (or dropped).
  const Tally* tally(std::string_view origin) const;
  /// Oldest first.
  const std::deque<Failure>& failures() const { return failures_; }
  /// The crawl log, oldest first.
  const std::deque<Entry>& entries() const { return entries_; }

  /// Drops the tallies `keep(origin)` refuses, when over the cap.
  template <typename Keep>
  void prune(Keep keep) {
    if (tallies_.size() <= max_origins_) return;
    std::erase_if(tallies_, [&](const auto& entry) { return !keep(entry.first); });
  }

 private:
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };

  std::size_t max_failures_;
  std::size_t max_origins_;
  std::unordered_map<std::string, Tally, NameHash, std::equal_to<>> tallies_;
  std::deque<Failure> failures_;
  std::size_t max_entries_;
  std::deque<Entry> entries_;
  std::uint64_t last_seq_ = 0;
};

}  // namespace crawler
