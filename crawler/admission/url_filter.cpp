// UrlFilter: see url_filter.hpp.
#include "crawler/admission/url_filter.hpp"

#include <libpsl.h>
#include <re2/re2.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace crawler {

namespace {

std::unique_ptr<re2::RE2> compile(const std::string& pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(pattern, options);
  if (!re->ok()) throw std::invalid_argument("bad URL pattern '" + pattern + "': " + re->error());
  return re;
}

// The path of a normalized URL: from the first '/' after the authority to '?'.
std::string_view path_of(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  auto start = url.find('/', scheme_end + 3);
  if (start == std::string_view::npos) return {};
  std::string_view path = url.substr(start);
  return path.substr(0, path.find('?'));
}

std::string_view query_of(std::string_view url) {
  auto q = url.find('?');
  return q == std::string_view::npos ? std::string_view() : url.substr(q + 1);
}

}  // namespace

std::string registrable_domain(std::string_view host) {
  std::string name(host);
  bool ipv4 = std::all_of(name.begin(), name.end(),
                          [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
  if (ipv4 || name.starts_with('[')) return name;  // addresses have no suffix
  const char* domain = psl_registrable_domain(psl_builtin(), name.c_str());
  return domain ? std::string(domain) : name;
}

// Hosts whose page budget is counted (about 40 bytes each); past them the
// least used are forgotten (see HostTally).
constexpr std::size_t kCountedHosts = std::size_t{1} << 18;

UrlFilter::UrlFilter(UrlFilterOptions options)
    : options_(std::move(options)),
      pages_per_host_(kCountedHosts,
                      static_cast<std::uint32_t>(std::min<std::size_t>(
                          options_.max_pages_per_host, std::numeric_limits<std::uint32_t>::max()))),
      // Past the capacity an origin may be forgotten (and counted again
      // for its host when it comes back): memory stays bounded.
      origins_(kCountedHosts, std::numeric_limits<std::uint32_t>::max()),
      origins_per_host_(kCountedHosts, kMaxOriginsPerHost) {
  for (const auto& pattern : options_.include) include_.push_back(compile(pattern));
  for (const auto& pattern : options_.exclude) exclude_.push_back(compile(pattern));
}

UrlFilter::~UrlFilter() = default;

void UrlFilter::add_seed(const parsers::CrawlUrl& url) {
  take_origin(url);
  std::string host(url.host());
  scope_domains_.insert(registrable_domain(host));
  scope_hosts_.insert(std::move(host));
}

bool UrlFilter::in_scope(std::string_view host) const {
  switch (options_.scope) {
    case Scope::kAny:
      return true;
    case Scope::kHost:
      return scope_hosts_.contains(std::string(host));
    case Scope::kDomain:
      return scope_domains_.contains(registrable_domain(host));
  }
  return false;
}

SkipReason UrlFilter::check(const parsers::CrawlUrl& crawl_url, Patterns patterns) const {
  std::string_view url = crawl_url.text();
  if (url.size() > options_.max_url_length) return SkipReason::kUrlTooLong;
  if (!in_scope(crawl_url.host())) return SkipReason::kOutOfScope;

  std::string_view path = path_of(url);
  std::unordered_map<std::string_view, int> segments;
  int depth = 0;
  for (std::size_t pos = 1; pos <= path.size();) {
    std::size_t end = std::min(path.find('/', pos), path.size());
    std::string_view segment = path.substr(pos, end - pos);
    pos = end + 1;
    if (segment.empty()) continue;
    if (++depth > options_.max_path_depth) return SkipReason::kPathTooDeep;
    if (++segments[segment] > options_.max_repeated_segments) return SkipReason::kRepeatedSegments;
  }
  std::string_view query = query_of(url);
  if (!query.empty()) {
    int params = 1 + static_cast<int>(std::count(query.begin(), query.end(), '&'));
    if (params > options_.max_query_params) return SkipReason::kTooManyParams;
  }

  if (patterns == Patterns::kSkip) return SkipReason::kNone;
  re2::StringPiece text(url.data(), url.size());
  for (const auto& re : exclude_)
    if (re2::RE2::PartialMatch(text, *re)) return SkipReason::kExcluded;
  if (!include_.empty()) {
    bool included = false;
    for (const auto& re : include_) included = included || re2::RE2::PartialMatch(text, *re);
    if (!included) return SkipReason::kNotIncluded;
  }
  return SkipReason::kNone;
}

bool UrlFilter::take_origin(const parsers::CrawlUrl& url) {
  std::string_view origin = url.origin();
  if (origins_.contains(origin)) return true;
  std::string_view host = url.host();
  if (origins_per_host_.count(host) >= kMaxOriginsPerHost) return false;
  origins_.add(origin);
  origins_per_host_.add(host);
  return true;
}

bool UrlFilter::take_host_budget(std::string_view host) {
  if (pages_per_host_.count(host) >= options_.max_pages_per_host) return false;
  pages_per_host_.add(host);
  return true;
}

}  // namespace crawler
