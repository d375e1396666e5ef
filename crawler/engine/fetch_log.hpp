// FetchLog: what the web console shows of the fetches behind it, kept in
// bounded memory on the loop thread: a tally per origin (pages, errors,
// time spent, last fetch) and the most recent failures with their URLs.
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

  /// Keeps at most `max_failures` failures and `max_origins` tallies; past
  /// that, tallies of origins `keep` no longer wants are dropped.
  explicit FetchLog(std::size_t max_failures = 1000, std::size_t max_origins = 50'000)
      : max_failures_(max_failures), max_origins_(max_origins) {}

  void note(std::string_view origin, const storage::PageRecord& record);

  /// nullptr when the origin was never noted (or dropped).
  const Tally* tally(std::string_view origin) const;
  /// Oldest first.
  const std::deque<Failure>& failures() const { return failures_; }

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
};

}  // namespace crawler
