// RobotsCache: robots.txt rules per origin (scheme, host, port), fetched on
// the crawl's own loop before the first page of an origin. However many
// pages wait, one fetch runs per origin; the rest wait on it. Rules are kept
// for a time to live (24 h by default); an unreachable robots.txt (5xx or a
// network error) means "disallow everything for now" and is asked again
// after a short while (RFC 9309 section 2.3.1), up to `unreachable_attempts`
// fetches in a row: then the origin is given up for the rest of the run (its
// entry stays unreachable and is not fetched again), so a dead origin costs
// a few robots.txt retries, not one per URL. Before fetching, it asks the
// crawl's database (through `stored`, on the thread pool) for a file an
// earlier run kept, so a restart does not ask the server again.
//
// Memory is bounded: at most `max_origins` origins are kept (the least
// recently used idle ones go; a later page of theirs finds the file in the
// database again), and a file's text is handed to the caller that fetched it
// (to be written down), never kept.
#pragma once

#include <chrono>
#include <coroutine>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "crawler/admission/admission_gate.hpp"
#include "crawler/admission/request_builder.hpp"
#include "crawler/async/task.hpp"
#include "parsers/robots_txt.hpp"

namespace crawler {

enum class RobotsStatus {
  kParsed,       // 2xx: the file's rules
  kAllowAll,     // 4xx: no usable robots.txt, everything allowed
  kUnreachable,  // 5xx or network error: nothing allowed for now
};

struct RobotsOutcome {
  RobotsStatus status = RobotsStatus::kAllowAll;
  std::shared_ptr<const parsers::RobotsTxt> rules;
  long http_status = 0;
  std::string detail;      // why it is unreachable: "http 503", "connect: Connection refused"
  std::string body;        // the file, for kParsed: kept with the crawl
  bool fresh = false;      // fetched for this caller just now (not from the cache)
  bool cancelled = false;  // the crawl stopped during the fetch: nothing was learned
  // Unreachable only: fetches in a row that found it so (this one included),
  // whether that was the last one allowed, and when it is asked again.
  int attempts = 0;
  bool given_up = false;
  std::chrono::steady_clock::time_point retry_at{};
};

/// An origin whose robots.txt is unreachable and will be asked again: what
/// its URLs wait for.
struct RobotsWait {
  std::string origin;
  std::string detail;  // why it is unreachable
  int attempts = 0;    // fetches so far, of RobotsCacheOptions::unreachable_attempts
  std::chrono::steady_clock::time_point retry_at{};
};

/// A robots.txt the crawl kept: parsed (2xx) or not (4xx: allow all), and its age.
struct StoredRobots {
  bool parsed = false;
  std::string body;
  std::chrono::milliseconds age{0};
};

struct RobotsCacheOptions {
  RequestBuilder requests;  // the crawl's own: the same agent and limits as its pages
  std::chrono::milliseconds ttl = std::chrono::hours(24);
  std::chrono::milliseconds unreachable_ttl = std::chrono::minutes(1);
  /// Fetches in a row that may find robots.txt unreachable before the
  /// origin is given up for the run.
  int unreachable_attempts = 3;
  std::size_t max_origins = 20'000;
  /// Finds a kept file for an origin; runs on the thread pool. May be empty.
  std::function<std::optional<StoredRobots>(const std::string& origin)> stored;
};

class RobotsCache {
 public:
  RobotsCache(uv_loop_t* loop, AdmissionGate& gate, RobotsCacheOptions options);
  RobotsCache(const RobotsCache&) = delete;
  RobotsCache& operator=(const RobotsCache&) = delete;

  /// The rules for `origin` ("http://host:port" as in a normalized URL).
  async::Task<RobotsOutcome> rules_for(std::string origin);

  std::size_t fetches() const { return fetches_; }
  /// What is known of `origin` now, for the console: "parsed", "allow_all",
  /// "unreachable", "fetching" or "unknown" (never asked, or forgotten).
  std::string_view state(const std::string& origin) const;
  std::size_t size() const { return entries_.size(); }
  /// Origins whose robots.txt is unreachable and not given up, for which
  /// `wanted` is true (e.g. the frontier holds their URLs); at most `limit`,
  /// soonest retry first. `total` gets how many there are in all.
  std::vector<RobotsWait> waits(const std::function<bool(std::string_view)>& wanted,
                                std::size_t limit, std::size_t& total) const;

 private:
  struct Entry {
    bool fetching = false;
    bool known = false;
    bool looked_up = false;  // the database was asked
    int unreachable = 0;     // fetches in a row that found robots.txt unreachable
    RobotsOutcome outcome;   // without the file's text
    std::chrono::steady_clock::time_point expires{};
    std::chrono::steady_clock::time_point last_used{};
    std::vector<std::coroutine_handle<>> waiters;
  };
  struct WaitForFetch {
    Entry* entry;
    bool await_ready() const noexcept { return !entry->fetching; }
    void await_suspend(std::coroutine_handle<> waiter) { entry->waiters.push_back(waiter); }
    void await_resume() const noexcept {}
  };

  async::Task<RobotsOutcome> learn_rules(const std::string& origin, Entry& entry,
                                         std::chrono::milliseconds& lifetime);
  async::Task<RobotsOutcome> fetch_rules(const std::string& origin);
  void forget_least_used();

  uv_loop_t* loop_;
  AdmissionGate& gate_;
  RobotsCacheOptions options_;
  // shared_ptr: a coroutine keeps its entry alive even if it is forgotten meanwhile.
  std::unordered_map<std::string, std::shared_ptr<Entry>> entries_;
  std::size_t fetches_ = 0;
};

}  // namespace crawler
