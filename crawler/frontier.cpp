// Frontier: see frontier.hpp.
#include "crawler/frontier.hpp"

#include "parsers/url.hpp"

namespace crawler {

AddOutcome Frontier::add_seed(const std::string& url) {
  std::string host(parsers::normalized_host(url));
  if (host.empty()) return AddOutcome::kOutOfScope;
  scope_hosts_.insert(host);
  return enqueue({url, std::move(host), 0});
}

AddOutcome Frontier::add(const std::string& url, int depth) {
  if (limits_.max_depth && depth > *limits_.max_depth) return AddOutcome::kTooDeep;
  if (seen_.contains(url)) return AddOutcome::kDuplicate;
  std::string host(parsers::normalized_host(url));
  if (!scope_hosts_.contains(host)) return AddOutcome::kOutOfScope;
  return enqueue({url, std::move(host), depth});
}

AddOutcome Frontier::enqueue(FrontierUrl url) {
  if (!seen_.insert(url.url).second) return AddOutcome::kDuplicate;
  auto [it, added] = hosts_.try_emplace(url.host);
  it->second.urls.push_back(std::move(url));
  ++queued_;
  ring_if_ready(it->second, it->first);
  return AddOutcome::kQueued;
}

void Frontier::ring_if_ready(HostQueue& queue, const std::string& host) {
  if (!queue.in_ring && !queue.urls.empty() && queue.in_flight < limits_.max_per_host) {
    queue.in_ring = true;
    ready_hosts_.push_back(host);
  }
}

std::optional<FrontierUrl> Frontier::next() {
  if (in_flight_ >= limits_.max_in_flight || page_limit_reached() || ready_hosts_.empty())
    return std::nullopt;
  std::string host = std::move(ready_hosts_.front());
  ready_hosts_.pop_front();
  HostQueue& queue = hosts_.at(host);
  queue.in_ring = false;
  FrontierUrl url = std::move(queue.urls.front());
  queue.urls.pop_front();
  --queued_;
  ++queue.in_flight;
  ++in_flight_;
  ++started_;
  ring_if_ready(queue, host);
  return url;
}

void Frontier::done(const FrontierUrl& url) {
  --in_flight_;
  auto it = hosts_.find(url.host);
  if (it == hosts_.end()) return;
  HostQueue& queue = it->second;
  --queue.in_flight;
  ring_if_ready(queue, it->first);
  // An idle, empty host costs memory for nothing.
  if (queue.urls.empty() && queue.in_flight == 0 && !queue.in_ring) hosts_.erase(it);
}

}  // namespace crawler
