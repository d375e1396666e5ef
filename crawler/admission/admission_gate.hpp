// AdmissionGate: the one place every request of the crawl passes before a
// byte is sent: pages, robots.txt, sitemaps, and each hop of a redirect
// (libcurl never follows one itself). It checks the URL (scheme, userinfo,
// a literal internal address or a localhost name, and for pages and
// sitemaps the UrlFilter: scope, patterns, trap limits) and then, at connect
// time, the address libcurl is about to use (AddressPolicy). The origins of
// seeds given by address (or as localhost) are exempt from the policy, but
// only at the address the seed names (the loopback for localhost): where
// --resolve points one elsewhere, the policy applies. fetch() is the crawler's
// only way to the network: async::fetch refuses a request without the
// connect check this gate sets (a test fails if anything calls it elsewhere).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "crawler/admission/address_policy.hpp"
#include "crawler/admission/dns_cache.hpp"
#include "crawler/admission/url_filter.hpp"
#include "crawler/async/curl_multi_set.hpp"
#include "crawler/async/fetch.hpp"
#include "crawler/async/task.hpp"
#include "parsers/crawl_url.hpp"

namespace crawler {

class AdmissionGate {
 public:
  /// `resolve`: "HOST:PORT:ADDRESS" entries used instead of DNS (curl's --resolve).
  AdmissionGate(async::CurlMultiSet& multis, const UrlFilter& filter, AddressPolicy policy,
                std::vector<std::string> resolve = {});
  AdmissionGate(const AdmissionGate&) = delete;
  AdmissionGate& operator=(const AdmissionGate&) = delete;

  /// The crawl's DNS answers (the resolve step's): a request to a name
  /// with a fresh answer connects to that address and no other
  /// (CURLOPT_RESOLVE), the one the page records and politeness counts.
  /// Without one (or for a name not in it) libcurl resolves, with the
  /// --resolve entries given here.
  void use_dns(const DnsCache& cache) { dns_ = &cache; }
  /// In a fleet that shares server addresses, a request goes to the address
  /// the fleet granted, its answer's first, and to no other: while `only`
  /// says so, libcurl is given none of the answer's others to fall back on.
  void use_first_address_only(std::function<bool()> only) { first_only_ = std::move(only); }

  /// A seed given by address or as localhost: its origin (scheme, host,
  /// port) may be internal. A seed given by name gets no exemption.
  void add_seed(std::string_view url);
  void add_seed(const parsers::CrawlUrl& url);

  /// Why `url` (normalized) must not be queued for a request of `kind`;
  /// kNone when it may. Every kind: scheme, userinfo, a literal internal
  /// address or a localhost name. Pages: the whole UrlFilter; sitemaps: its
  /// scope and traps (patterns choose pages, not the means to find them);
  /// robots.txt: nothing more (an origin's rules are read wherever its
  /// redirects lead, RFC 9309 2.3.1.2).
  SkipReason check(const parsers::CrawlUrl& url, RequestKind kind) const;
  /// The same for a crawl key held as a string (tests).
  SkipReason check(std::string_view url, RequestKind kind) const {
    return check(parsers::CrawlUrl::from_key(std::string(url)), kind);
  }

  /// Fetches `request` if its URL passes the checks every request gets
  /// (the filter judged it when it was queued; seeds are the operator's),
  /// with the address policy applied at connect time. A refusal is a
  /// FetchResult with kBlocked and the reason in error_message.
  async::Task<async::FetchResult> fetch(RequestKind kind, async::FetchRequest request);

 private:
  SkipReason request_refusal(const parsers::CrawlUrl& url) const;
  bool exempt(std::string_view origin) const;
  std::optional<std::string> resolve_entry(HostPort where) const;
  static std::string dns_key(HostPort where);

  async::CurlMultiSet& multis_;
  const UrlFilter& filter_;
  AddressPolicy policy_;
  // Looked up by string_view without building a string (transparent hashing).
  struct OriginHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view origin) const {
      return std::hash<std::string_view>{}(origin);
    }
  };
  std::unordered_set<std::string, OriginHash, std::equal_to<>> seed_origins_;
  std::vector<std::string> resolve_;
  const DnsCache* dns_ = nullptr;
  std::function<bool()> first_only_;
};

}  // namespace crawler
