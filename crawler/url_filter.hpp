// UrlFilter: decides whether a discovered URL is worth queueing at all:
// scope (the seeds' hosts, their registrable domains by the public suffix
// list, or anything), include/exclude patterns (RE2: linear time on
// untrusted URLs), and crawler-trap defences (URL length, repeated path
// segments, path depth, query parameters, a page budget per host). Each
// refusal has a reason, so skips can be counted by reason.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "crawler/host_tally.hpp"

namespace re2 {
class RE2;
}

namespace crawler {

enum class Scope { kHost, kDomain, kAny };

enum class SkipReason {
  kNone,
  kOutOfScope,
  kExcluded,     // matched an exclude pattern
  kNotIncluded,  // include patterns given, none matched
  kUrlTooLong,
  kRepeatedSegments,
  kPathTooDeep,
  kTooManyParams,
  kHostBudget,  // the host's page budget is spent
  // The admission gate's own (see AdmissionGate):
  kBadScheme,        // not http or https
  kUserinfo,         // credentials in the URL
  kInternalAddress,  // a non-public address, or a localhost name, off the seeds' origins
  kTooManyLinks,     // past the page's link cap (--max-links-per-page)
};

std::string_view to_string(SkipReason reason);

struct UrlFilterOptions {
  Scope scope = Scope::kHost;
  std::vector<std::string> include;  // RE2 patterns, searched in the URL
  std::vector<std::string> exclude;
  std::size_t max_url_length = 2048;
  int max_repeated_segments = 3;  // the same path segment at most this often
  int max_path_depth = 32;
  int max_query_params = 32;
  std::size_t max_pages_per_host = 1'000'000;
};

class UrlFilter {
 public:
  /// Throws std::invalid_argument naming a pattern RE2 rejects.
  explicit UrlFilter(UrlFilterOptions options);
  ~UrlFilter();
  UrlFilter(const UrlFilter&) = delete;
  UrlFilter& operator=(const UrlFilter&) = delete;

  /// A seed's host (and, for Scope::kDomain, its registrable domain) is in scope.
  void add_seed(std::string_view url);

  /// Why `url` (normalized) should not be queued; kNone when it should.
  SkipReason check(std::string_view url) const;

  /// Counts one more page queued for `host`; false when its budget is spent.
  bool take_host_budget(std::string_view host);

 private:
  bool in_scope(std::string_view host) const;

  UrlFilterOptions options_;
  std::vector<std::unique_ptr<re2::RE2>> include_;
  std::vector<std::unique_ptr<re2::RE2>> exclude_;
  std::unordered_set<std::string> scope_hosts_;
  std::unordered_set<std::string> scope_domains_;
  HostTally pages_per_host_;
};

/// Registrable domain ("example.co.uk" for "www.example.co.uk") by the public
/// suffix list; the host itself for IP addresses and unknown suffixes.
std::string registrable_domain(std::string_view host);

}  // namespace crawler
