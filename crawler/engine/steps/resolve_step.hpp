// ResolveStep: DNS as a step. An origin's name is looked up once per TTL
// (DnsCache), on the thread pool (getaddrinfo blocks; the loop thread never
// does) with a deadline, at most two lookups holding a pool thread at once
// (BlockingCalls: a dead name server must not stop the parses), before its
// URLs are scheduled: the frontier needs the address to
// apply the per-address limits. In a visit it comes first: the address
// the fetch will use is recorded on the page, and handed to libcurl by the
// gate (CURLOPT_RESOLVE), so politeness, the address policy's connect
// check and the connection are about one address. A name that does not
// resolve is the page's outcome (dns_failed), not a retry.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "crawler/admission/dns_cache.hpp"
#include "crawler/async/blocking_calls.hpp"
#include "crawler/async/task.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "storage/page_record.hpp"

namespace crawler {

class ResolveStep {
 public:
  /// Looks a host name up; runs on the thread pool, so it may block, and
  /// may outlive the step (past its deadline): it must own what it uses.
  using Resolver = std::function<DnsAnswer(const std::string& host)>;
  /// The system's resolver (getaddrinfo).
  static DnsAnswer system_resolver(const std::string& host);

  /// Lookups holding a pool thread at once (of libuv's four), past their
  /// deadline or not.
  static constexpr std::size_t kMaxLookupThreads = 2;

  ResolveStep(VisitContext& context, DnsCache& cache, Resolver resolver = system_resolver)
      : context_(context),
        cache_(cache),
        resolver_(std::move(resolver)),
        lookups_(context.loop.get(), kMaxLookupThreads,
                 std::chrono::milliseconds(context.options.dns_timeout_ms)) {}

  /// The origin's address when known without a lookup (an address given
  /// literally, a --resolve entry, a fresh answer), "" when its name is
  /// known not to resolve; nullopt when it must be looked up.
  std::optional<std::string> known(std::string_view origin) const;
  /// Looks the origin's name up (unless known), caches and returns the answer.
  async::Task<DnsAnswer> look_up(std::string origin);

  /// In a fleet that shares server addresses, a crawler fetches from an
  /// address only once the fleet granted it (LeaseRounds): while `required`
  /// says so, a visit whose answer is not the origin's granted address waits.
  void require_grants(std::function<bool()> required) { grants_required_ = std::move(required); }

  enum class Resolved {
    kAddress,        // the record has the address the fetch will use
    kFailed,         // the name does not resolve: the record says dns_failed
    kAwaitingGrant,  // a new address: the origin waits for the fleet's grant
  };
  /// Looks the visit's origin up and judges the answer.
  async::Task<Resolved> check(const FrontierUrl& url, storage::PageRecord& record);

 private:
  VisitContext& context_;
  DnsCache& cache_;
  Resolver resolver_;
  async::BlockingCalls<DnsAnswer> lookups_;
  std::function<bool()> grants_required_;
};

}  // namespace crawler
