// DnsCache: see dns_cache.hpp.
#include "crawler/admission/dns_cache.hpp"

#include <algorithm>
#include <charconv>

#include "crawler/admission/address_policy.hpp"
#include "parsers/ascii.hpp"

namespace crawler {

namespace {

std::string pin_key(std::string_view host, int port) {
  return std::string(host) + ":" + std::to_string(port);
}

}  // namespace

HostPort host_port(std::string_view origin) {
  HostPort out;
  bool https = origin.starts_with("https://");
  auto start = origin.find("://");
  std::string_view rest = start == std::string_view::npos ? origin : origin.substr(start + 3);
  // The port's colon comes after an IPv6 literal's closing bracket.
  auto bracket = rest.find(']');
  auto colon = rest.find(':', bracket == std::string_view::npos ? 0 : bracket);
  out.host = rest.substr(0, colon);
  out.port = https ? 443 : 80;
  if (colon != std::string_view::npos) {
    std::string_view text = rest.substr(colon + 1);
    std::from_chars(text.data(), text.data() + text.size(), out.port);
  }
  return out;
}

std::string literal_address(std::string_view host) {
  auto ip = parse_ip(host);
  return ip ? ip_to_string(*ip) : std::string();
}

bool DnsCache::pin(std::string_view entry) {
  // HOST:PORT:ADDRESS[,ADDRESS...]; HOST has no colon (IPv6 hosts are not pinned by name).
  auto first = entry.find(':');
  if (first == std::string_view::npos || first == 0) return false;
  auto second = entry.find(':', first + 1);
  if (second == std::string_view::npos) return false;
  std::string_view port_text = entry.substr(first + 1, second - first - 1);
  int port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc{} || end != port_text.data() + port_text.size() || port <= 0 ||
      port > 65535)
    return false;
  std::string_view address = entry.substr(second + 1);
  address = address.substr(0, address.find(','));
  std::string literal = literal_address(address);
  if (literal.empty()) return false;
  std::string host = parsers::ascii_lowercase(entry.substr(0, first));
  pinned_[pin_key(host, port)] = DnsAnswer{std::move(literal), {}, {}};
  return true;
}

std::optional<DnsAnswer> DnsCache::find(std::string_view host, int port, TimePoint now) const {
  if (!pinned_.empty())
    if (auto it = pinned_.find(pin_key(host, port)); it != pinned_.end()) return it->second;
  auto it = names_.find(host);
  if (it == names_.end() || it->second.expires <= now) return std::nullopt;
  return it->second.answer;
}

void DnsCache::store(std::string_view host, DnsAnswer answer, TimePoint now) {
  Millis ttl = answer.ok() ? limits_.ttl : std::min(limits_.ttl, limits_.failure_ttl);
  auto it = names_.find(host);
  if (it == names_.end()) {
    while (!names_.empty() && names_.size() >= std::max<std::size_t>(1, limits_.max_names))
      forget_oldest();
    it = names_.emplace(std::string(host), Entry{}).first;
  }
  it->second = Entry{std::move(answer), now + ttl, ++stores_};
  order_.emplace_back(it->first, stores_);
  // Names stored again leave stale places behind: sweep them before the
  // queue outgrows the map (each place is swept once).
  if (order_.size() > 2 * names_.size() + 64) {
    std::erase_if(order_, [this](const auto& place) {
      auto entry = names_.find(place.first);
      return entry == names_.end() || entry->second.stored != place.second;
    });
  }
}

void DnsCache::forget_oldest() {
  while (!order_.empty()) {
    auto [name, stored] = std::move(order_.front());
    order_.pop_front();
    auto it = names_.find(name);
    if (it != names_.end() && it->second.stored == stored) {
      names_.erase(it);
      return;
    }
  }
}

}  // namespace crawler
