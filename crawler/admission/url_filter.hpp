// UrlFilter: decides whether a discovered URL is worth queueing at all:
// scope (the seeds' hosts, their registrable domains by the public suffix
// list, or anything), include/exclude patterns (RE2: linear time on
// untrusted URLs), and crawler-trap defences (URL length, repeated path
// segments, path depth, query parameters, a page budget per host). Each
// refusal has a reason, so skips can be counted by reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "crawler/admission/host_tally.hpp"

#include "crawler/admission/skip_reason.hpp"
#include "parsers/crawl_url.hpp"

namespace re2 {
class RE2;
}

namespace crawler {

enum class Scope { kHost, kDomain, kAny };

/// Origins (scheme and port) one host name may have: politeness is per
/// origin, so a page listing a host's 65,535 ports must not make the crawl
/// a port scanner. http and https on their usual and a few other ports fit.
inline constexpr std::uint32_t kMaxOriginsPerHost = 16;

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
  void add_seed(const parsers::CrawlUrl& url);
  void add_seed(std::string_view url) { add_seed(parsers::CrawlUrl::from_key(std::string(url))); }

  /// Whether --include/--exclude apply: they choose pages, so sitemaps
  /// (means to find pages) are checked for scope and traps only.
  enum class Patterns { kApply, kSkip };
  /// Why `url` (normalized) should not be queued; kNone when it should.
  SkipReason check(const parsers::CrawlUrl& url, Patterns patterns = Patterns::kApply) const;
  SkipReason check(std::string_view url, Patterns patterns = Patterns::kApply) const {
    return check(parsers::CrawlUrl::from_key(std::string(url)), patterns);
  }

  /// Counts one more page queued for `host`; false when its budget is spent.
  bool take_host_budget(std::string_view host);
  /// Notes the origin of `url` (normalized); false when it is new and its
  /// host name has kMaxOriginsPerHost origins already.
  bool take_origin(const parsers::CrawlUrl& url);
  bool take_origin(std::string_view url) {
    return take_origin(parsers::CrawlUrl::from_key(std::string(url)));
  }

 private:
  bool in_scope(std::string_view host) const;

  UrlFilterOptions options_;
  std::vector<std::unique_ptr<re2::RE2>> include_;
  std::vector<std::unique_ptr<re2::RE2>> exclude_;
  std::unordered_set<std::string> scope_hosts_;
  std::unordered_set<std::string> scope_domains_;
  HostTally pages_per_host_;
  HostTally origins_;           // known, with a count of 1
  HostTally origins_per_host_;  // of them, per host name
};

/// Registrable domain ("example.co.uk" for "www.example.co.uk") by the public
/// suffix list; the host itself for IP addresses and unknown suffixes.
std::string registrable_domain(std::string_view host);

}  // namespace crawler
