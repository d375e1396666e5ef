// ResolveStep: see resolve_step.hpp.
#include "crawler/engine/steps/resolve_step.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "crawler/admission/address_policy.hpp"

namespace crawler {

// getaddrinfo, on the pool, in its order (RFC 6724's preference): the first
// address is the server's for politeness and is tried first; libcurl falls
// back to the others (an IPv6 address first for a server listening on IPv4
// only, say). The page records the one it connected to.
DnsAnswer ResolveStep::system_resolver(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int status = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (status != 0) return {{}, gai_strerror(status), {}};
  DnsAnswer answer;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    auto ip = ip_of(a->ai_addr);
    if (!ip) continue;
    std::string text = ip_to_string(*ip);
    if (answer.address.empty()) {
      answer.address = std::move(text);
    } else if (text != answer.address &&
               std::find(answer.others.begin(), answer.others.end(), text) == answer.others.end()) {
      answer.others.push_back(std::move(text));
    }
  }
  freeaddrinfo(found);
  if (!answer.ok()) answer.error = "no IPv4 or IPv6 address";
  return answer;
}

std::optional<std::string> ResolveStep::known(std::string_view origin) const {
  HostPort where = host_port(origin);
  if (std::string literal = literal_address(where.host); !literal.empty()) return literal;
  if (auto answer = cache_.find(where.host, where.port, Clock::now())) return answer->address;
  return std::nullopt;
}

async::Task<DnsAnswer> ResolveStep::look_up(std::string origin) {
  HostPort where = host_port(origin);
  if (std::string literal = literal_address(where.host); !literal.empty())
    co_return DnsAnswer{std::move(literal), {}, {}};
  if (auto answer = cache_.find(where.host, where.port, Clock::now())) co_return *answer;
  std::string host(where.host);
  // By value: a lookup past its deadline runs on after this frame is gone.
  auto call = lookups_.call([resolver = resolver_, host] { return resolver(host); });
  std::optional<DnsAnswer> answer = co_await call;
  if (!answer)
    answer = DnsAnswer{
        {}, "no answer within " + std::to_string(lookups_.deadline().count()) + " ms", {}};
  // A name that timed out is kept as a failure too: its other URLs do not
  // each wait out the deadline again.
  cache_.store(host, *answer, Clock::now());
  co_return std::move(*answer);
}

async::Task<ResolveStep::Resolved> ResolveStep::check(const FrontierUrl& url,
                                                      storage::PageRecord& record) {
  std::string origin(url.origin());
  DnsAnswer answer = co_await look_up(origin);
  if (answer.ok() && grants_required_ && grants_required_() &&
      answer.address != context_.frontier.address_of(origin)) {
    // The name's answer changed, or its first lookup failed and this one
    // did not: another crawler may serve this address. The origin is looked
    // up again and waits for the next lease round to grant the address.
    context_.frontier.readdress(origin);
    co_return Resolved::kAwaitingGrant;
  }
  // The answer may be new (the last one's TTL ran out): the origin counts
  // at the address its fetches go to from now on.
  context_.frontier.set_address(origin, answer.address);
  if (answer.ok()) {
    record.address = std::move(answer.address);  // the fetch step says if libcurl fell back
    co_return Resolved::kAddress;
  }
  ++context_.summary.fetch_errors;
  ++context_.summary.errors["dns_failed"];
  record.error = "dns_failed";
  record.error_detail =
      "cannot resolve " + std::string(host_port(origin).host) + ": " + answer.error;
  co_return Resolved::kFailed;
}

}  // namespace crawler
