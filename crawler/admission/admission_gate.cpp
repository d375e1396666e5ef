// AdmissionGate: see admission_gate.hpp.
#include "crawler/admission/admission_gate.hpp"

#include <cctype>
#include <chrono>
#include <utility>

#include "parsers/ascii.hpp"

namespace crawler {

namespace {

// RFC 6761 6.3: "localhost" and names under it are the loopback, whatever
// a resolver says; refused by name before any lookup.
bool is_localhost_name(std::string_view host) {
  if (host.ends_with('.')) host.remove_suffix(1);
  return parsers::ascii_iequals(host, "localhost") || host.ends_with(".localhost");
}

std::string_view authority_of(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view authority = url.substr(scheme_end + 3);
  return authority.substr(0, authority.find_first_of("/?#"));
}

std::string_view kind_name(RequestKind kind) {
  switch (kind) {
    case RequestKind::kPage:
      return "page";
    case RequestKind::kRobots:
      return "robots.txt";
    case RequestKind::kSitemap:
      return "sitemap";
  }
  return "page";
}

async::FetchResult refused(const std::string& url, RequestKind kind, SkipReason reason) {
  async::FetchResult result;
  result.error = async::FetchError::kBlocked;
  result.final_url = url;
  result.error_message = std::string(kind_name(kind)) + " refused before fetching (" +
                         std::string(to_string(reason)) + ")";
  return result;
}

async::Task<async::FetchResult> answered(async::FetchResult result) {
  co_return result;
}

// A host given as an address, or localhost: what it reaches cannot change.
bool is_address_or_localhost(std::string_view host) {
  return is_localhost_name(host) || parse_ip(host).has_value();
}

}  // namespace

AdmissionGate::AdmissionGate(async::CurlMultiSet& multis, const UrlFilter& filter,
                             AddressPolicy policy, std::vector<std::string> resolve)
    : multis_(multis), filter_(filter), policy_(std::move(policy)), resolve_(std::move(resolve)) {}

// Only seeds given by address (or as localhost) are exempt: a seed given by
// name could be pointed inward later by whoever owns the name (a public
// site whose DNS turns to 169.254.169.254); such crawls say --allow-address.
void AdmissionGate::add_seed(std::string_view url) {
  if (auto key = parsers::CrawlUrl::normalize(url)) add_seed(*key);
}

void AdmissionGate::add_seed(const parsers::CrawlUrl& url) {
  if (is_address_or_localhost(url.host())) seed_origins_.emplace(url.origin());
}

// "HOST:PORT:ADDRESS" for libcurl, from the DNS step's answer for the URL's
// host; nothing for an address given literally, or a name without a fresh
// answer (a redirect of robots.txt to another host, say).
std::optional<std::string> AdmissionGate::resolve_entry(HostPort where) const {
  if (where.host.empty() || where.host.front() == '[' || parse_ip(where.host)) return std::nullopt;
  auto answer = dns_->find(where.host, where.port, std::chrono::steady_clock::now());
  if (!answer || !answer->ok()) return std::nullopt;
  std::string entry = dns_key(where) + ":";
  auto add = [&entry](const std::string& address) {
    bool v6 = address.find(':') != std::string::npos;
    entry += v6 ? "[" + address + "]" : address;
  };
  add(answer->address);
  if (first_only_ && first_only_()) return entry;
  for (const std::string& other : answer->others) {
    entry += ',';
    add(other);
  }
  return entry;
}

// libcurl's DNS cache key for the host, "HOST:PORT". None for an IPv6
// literal: a CURLOPT_RESOLVE removal cannot name one, so libcurl's timeout
// drops it.
std::string AdmissionGate::dns_key(HostPort where) {
  if (where.host.empty() || where.host.front() == '[') return {};
  return std::string(where.host) + ":" + std::to_string(where.port);
}

bool AdmissionGate::exempt(std::string_view origin) const {
  return seed_origins_.contains(origin);
}

SkipReason AdmissionGate::check(const parsers::CrawlUrl& url, RequestKind kind) const {
  if (SkipReason refused = request_refusal(url); refused != SkipReason::kNone) return refused;
  switch (kind) {
    case RequestKind::kPage:
      return filter_.check(url);
    case RequestKind::kSitemap:
      return filter_.check(url, UrlFilter::Patterns::kSkip);
    case RequestKind::kRobots:
      break;
  }
  return SkipReason::kNone;
}

SkipReason AdmissionGate::request_refusal(const parsers::CrawlUrl& crawl_url) const {
  std::string_view url = crawl_url.text();
  if (!url.starts_with("http://") && !url.starts_with("https://")) return SkipReason::kBadScheme;
  // Crawl keys carry no userinfo; a URL that does was not normalized here.
  if (authority_of(url).find('@') != std::string_view::npos) return SkipReason::kUserinfo;
  // The hot path (every link of every page): a name that is neither an
  // address nor localhost costs a glance; the seeds' origins are looked up
  // only for the rare internal one.
  std::string_view host = crawl_url.host();
  bool literal = !host.empty() &&
                 (host.front() == '[' || std::isdigit(static_cast<unsigned char>(host.front())));
  bool internal = is_localhost_name(host);
  if (!internal && literal) {
    auto ip = parse_ip(host);
    internal = ip && policy_.refusal(*ip);
  }
  if (internal && !exempt(crawl_url.origin())) return SkipReason::kInternalAddress;
  return SkipReason::kNone;
}

// Not a coroutine: it hands back the transfer's own task, so that no frame
// of its own is held for every transfer in flight (1.3 KB each).
async::Task<async::FetchResult> AdmissionGate::fetch(RequestKind kind,
                                                     async::FetchRequest request) {
  // The one place a request's URL is cut into origin and host: requests
  // (pages, robots.txt, sitemaps) are built as strings.
  parsers::CrawlUrl url = parsers::CrawlUrl::from_key(request.url);
  if (SkipReason reason = request_refusal(url); reason != SkipReason::kNone)
    return answered(refused(request.url, kind, reason));
  request.resolve = resolve_;
  HostPort where = host_port(url.origin());
  request.dns_key = dns_key(where);
  if (dns_ != nullptr) {
    if (auto pinned = resolve_entry(where)) request.resolve = {std::move(*pinned)};
  }
  if (exempt(url.origin())) {
    // The exemption is of the address the seed named: the literal address,
    // or the loopback for localhost. Without --resolve libcurl connects to
    // nothing else; with it, any other address is judged by the policy, so
    // --resolve cannot turn an exempt origin into a way to anywhere.
    std::optional<IpBytes> named = parse_ip(url.host());
    request.connect_check = [this, named](const sockaddr* address) -> std::optional<std::string> {
      auto ip = ip_of(address);
      if (!ip) return "not an IP address";
      if (named ? *ip == *named : classify(*ip) == AddressClass::kLoopback) return std::nullopt;
      auto why = policy_.refusal(*ip);
      if (why)
        *why +=
            " (a seed's origin may be internal only at the address the seed names, not "
            "where --resolve points it; see --allow-address)";
      return why;
    };
  } else {
    request.connect_check = [this](const sockaddr* address) -> std::optional<std::string> {
      auto ip = ip_of(address);
      if (!ip) return "not an IP address";
      auto why = policy_.refusal(*ip);
      if (why) *why += " (only seeds given by address may be internal; see --allow-address)";
      return why;
    };
  }
  // One origin, one multi handle: its connections and TLS sessions are reused.
  request.origin = url.origin();
  async::CurlMulti& multi = multis_.for_origin(url.origin());
  return async::fetch(multi, std::move(request));
}

}  // namespace crawler
