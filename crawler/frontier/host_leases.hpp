// HostLeases: the origins this crawler may fetch when crawlers share a
// store and lease hosts (CrawlStore::lease), and until when. A lease is
// trusted only while a third of it is left: a crawler stalled past that
// (a pause, SIGSTOP, a lost network) starts nothing on the origin, so the
// next holder, who may take it once the lease ends, never overlaps with it
// and starts at least that long after its last fetch. An origin being
// handed over (the crawler holds more than its fair share) is held and
// renewed until what was fetched from it is stored, but nothing new starts.
// With per-address limits, an origin is scheduled only once the fleet has
// granted this crawler its server address (one crawler serves an address).
// Bookkeeping only: the rounds with the store are LeaseRounds'.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace crawler {

class HostLeases {
 public:
  using Clock = std::chrono::steady_clock;
  using Millis = std::chrono::milliseconds;

  HostLeases(Millis lease, std::size_t max_hosts) : lease_(lease), max_hosts_(max_hosts) {}

  Millis lease() const { return lease_; }
  /// Whether a fetch of `origin` may start at `now`.
  bool holds(std::string_view origin, Clock::time_point now) const;
  /// Origins held (trusted or not, handed over or not), for renewal.
  std::vector<std::string> origins() const;
  std::size_t size() const { return until_.size(); }
  /// Origins held and not being handed over.
  std::size_t kept() const { return until_.size() - handing_over_.size(); }
  /// How many more origins to claim.
  std::size_t room() const { return max_hosts_ > until_.size() ? max_hosts_ - until_.size() : 0; }

  /// The store granted `origin` (claimed or renewed) in a round asked at `asked_at`.
  void granted(const std::string& origin, Clock::time_point asked_at);
  /// The grant was a claim: the origin is new to this crawler.
  void claimed(const std::string& origin, Clock::time_point asked_at) {
    claimed_at_.insert_or_assign(origin, asked_at);
  }
  /// Whether `origin` was claimed less than `grace` before `now`.
  bool claimed_within(std::string_view origin, Clock::time_point now, Millis grace) const;
  /// No new fetch of `origin` starts: it goes back to the fleet once idle.
  void hand_over(const std::string& origin) {
    if (until_.contains(origin)) handing_over_.insert(origin);
  }
  bool handing_over(std::string_view origin) const { return handing_over_.contains(origin); }
  /// Whether `origin` is held (trusted or not, handed over or not).
  bool held(std::string_view origin) const { return until_.contains(origin); }
  /// The fleet granted this crawler the held origin's server address.
  void serve_address(const std::string& origin) {
    if (until_.contains(origin)) serving_address_.insert(origin);
  }
  bool serves_address(std::string_view origin) const { return serving_address_.contains(origin); }
  void forget(const std::string& origin) {
    until_.erase(origin);
    claimed_at_.erase(origin);
    handing_over_.erase(origin);
    serving_address_.erase(origin);
  }

 private:
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const {
      return std::hash<std::string_view>{}(name);
    }
  };

  Millis lease_;
  std::size_t max_hosts_;
  // When each lease ends, as seen from here: the round's start plus the
  // lease (the store counts from later, so this errs on the safe side).
  std::unordered_map<std::string, Clock::time_point, NameHash, std::equal_to<>> until_;
  std::unordered_map<std::string, Clock::time_point, NameHash, std::equal_to<>> claimed_at_;
  std::unordered_set<std::string, NameHash, std::equal_to<>> handing_over_;
  std::unordered_set<std::string, NameHash, std::equal_to<>> serving_address_;
};

}  // namespace crawler
