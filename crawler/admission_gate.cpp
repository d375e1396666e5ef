// AdmissionGate: see admission_gate.hpp.
#include "crawler/admission_gate.hpp"

#include <cctype>
#include <utility>

#include "parsers/ascii.hpp"
#include "parsers/url.hpp"

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

async::FetchResult refused(const std::string& url, SkipReason reason) {
  async::FetchResult result;
  result.error = async::FetchError::kBlocked;
  result.final_url = url;
  result.error_message = "refused before fetching (" + std::string(to_string(reason)) + ")";
  return result;
}

}  // namespace

AdmissionGate::AdmissionGate(async::CurlMultiSet& multis, const UrlFilter& filter,
                             AddressPolicy policy, std::vector<std::string> resolve)
    : multis_(multis), filter_(filter), policy_(std::move(policy)), resolve_(std::move(resolve)) {}

void AdmissionGate::add_seed(std::string_view url) {
  if (auto key = parsers::normalize_url(url))
    seed_origins_.emplace(parsers::normalized_origin(*key));
}

bool AdmissionGate::exempt(std::string_view url) const {
  return seed_origins_.contains(parsers::normalized_origin(url));
}

SkipReason AdmissionGate::check(std::string_view url, RequestKind kind) const {
  if (!url.starts_with("http://") && !url.starts_with("https://")) return SkipReason::kBadScheme;
  // Crawl keys carry no userinfo; a URL that does was not normalized here.
  if (authority_of(url).find('@') != std::string_view::npos) return SkipReason::kUserinfo;
  // The hot path (every link of every page): a name that is neither an
  // address nor localhost costs a glance; the seeds' origins are looked up
  // only for the rare internal one.
  std::string_view host = parsers::normalized_host(url);
  bool literal = !host.empty() && (host.front() == '[' || std::isdigit(static_cast<unsigned char>(
                                                              host.front())));
  bool internal = is_localhost_name(host);
  if (!internal && literal) {
    auto ip = parse_ip(host);
    internal = ip && policy_.refusal(*ip);
  }
  if (internal && !exempt(url)) return SkipReason::kInternalAddress;
  if (kind == RequestKind::kRobots) return SkipReason::kNone;
  return filter_.check(url);
}

async::Task<async::FetchResult> AdmissionGate::fetch(RequestKind kind,
                                                     async::FetchRequest request) {
  if (SkipReason reason = check(request.url, kind); reason != SkipReason::kNone)
    co_return refused(request.url, reason);
  request.resolve = resolve_;
  if (exempt(request.url)) {
    request.connect_check = [](const sockaddr*) { return std::optional<std::string>(); };
  } else {
    request.connect_check = [this](const sockaddr* address) -> std::optional<std::string> {
      auto ip = ip_of(address);
      if (!ip) return "not an IP address";
      auto why = policy_.refusal(*ip);
      if (why) *why += " (only the seeds' origins may be internal; see --allow-address)";
      return why;
    };
  }
  co_return co_await async::fetch(multis_.next(), std::move(request));
}

}  // namespace crawler
