// Frontier: scheduling and politeness; see frontier.hpp. The window (spills,
// refills) is in frontier_window.cpp.
#include "crawler/frontier/frontier.hpp"

#include <algorithm>
#include <utility>

#include "parsers/url.hpp"

namespace crawler {

Frontier::Frontier(FrontierLimits limits, std::uint32_t seed)
    : limits_(limits),
      addresses_({limits.max_per_address, limits.address_spacing}),
      seen_(limits.seen_memory),
      jitter_(seed) {}

Frontier::HostMap::iterator Frontier::host_entry(std::string_view name) {
  auto it = hosts_.find(name);
  if (it == hosts_.end()) {
    if (hosts_.size() >= sweep_at_) forget_idle_hosts();
    it = hosts_.emplace(std::string(name), Host{}).first;
    Host& h = it->second;
    h.delay = limits_.min_delay;
    if (address_lookup_) {
      if (auto address = address_lookup_(name)) {
        h.address = std::move(*address);
      } else {
        h.resolving = true;
        unresolved_.push_back(it->first);
      }
    }
  }
  return it;
}

Frontier::Host& Frontier::host(std::string_view name) {
  return host_entry(name)->second;
}

// A host with nothing queued or in flight whose delay and rest are over is
// what a new Host would be: dropping it keeps the map as large as the
// window, not as the crawl. Spilled hosts stay: the flag is their memory
// of URLs in the database.
void Frontier::forget_idle_hosts() {
  std::erase_if(hosts_, [this](const auto& entry) {
    const Host& h = entry.second;
    return h.urls.empty() && h.in_flight == 0 && !h.in_heap && !h.spilled && h.next_start <= now_ &&
           h.resting_until <= now_;
  });
  sweep_at_ = std::max<std::size_t>(4096, hosts_.size() * 2);
  addresses_.forget_idle(now_);
}

// Seeds and redirect targets are held in memory (seeds are as many as the
// configuration lists; a target carries its chain). One the seen test calls
// "perhaps seen" is the caller's to queue durably: a walk brings it if new.
AddOutcome Frontier::add_seed(parsers::CrawlUrl url) {
  if (seen(url.text()) == Seen::kPerhaps) return uncertain();
  return enqueue({std::move(url), 0, UrlKind::kPage, 0, {}, nullptr}, false);
}

AddOutcome Frontier::add_sitemap(parsers::CrawlUrl url) {
  return enqueue({std::move(url), 0, UrlKind::kSitemap, 0, {}, nullptr}, false);
}

AddOutcome Frontier::add(parsers::CrawlUrl url, int depth) {
  return enqueue({std::move(url), depth, UrlKind::kPage, 0, {}, nullptr}, true);
}

AddOutcome Frontier::add_redirect(parsers::CrawlUrl url, const FrontierUrl& from) {
  if (seen(url.text()) == Seen::kPerhaps) return uncertain();
  FrontierUrl next{std::move(url), from.depth, from.kind, 0, from.redirect_chain, nullptr};
  next.redirect_chain.push_back(from.url.text());
  return enqueue(std::move(next), false);
}

void Frontier::revisit(parsers::CrawlUrl crawl_url, storage::DuePage page) {
  FrontierUrl url{std::move(crawl_url), page.depth, UrlKind::kPage, 0, {}, nullptr};
  url.revisit = std::make_shared<const storage::DuePage>(std::move(page));
  push(std::move(url));
}

AddOutcome Frontier::enqueue(FrontierUrl url, bool durable) {
  if (!seen_.insert(url.url.text()))
    return !durable || seen_.exact() ? AddOutcome::kDuplicate : uncertain();
  if (owns_ && url.kind == UrlKind::kPage) {
    // A fleet: another crawler may know this page (it may have fetched it
    // while it held the origin), so the database, where the caller queues
    // it, decides. The origin's holder reads it back if it is new there.
    if (owns(url.origin())) adopt(url.origin());
    return AddOutcome::kQueued;
  }
  // New to a set still loading: the database may know it already.
  if (durable && !seen_complete_) return uncertain();
  if (!durable || !spill(url.origin())) push(std::move(url));
  return AddOutcome::kQueued;
}

void Frontier::adopt(std::string_view name) {
  auto entry = host_entry(name);
  Host& h = entry->second;
  h.last_spill = ++spills_;
  set_spilled(h, true);
  check_starving(entry->first, h);
}

std::vector<std::string> Frontier::drop_host(std::string_view name) {
  std::vector<std::string> revisits;
  auto it = hosts_.find(name);
  if (it == hosts_.end()) return revisits;
  Host& h = it->second;
  for (FrontierUrl& url : h.urls) {
    committed(SeenSet::fingerprint(url.url.text()));  // a later refill may read it again
    if (url.attempt > 0) --retries_queued_;
    if (url.revisit) revisits.push_back(std::move(url.url).release());
  }
  queued_ -= h.urls.size();
  h.urls.clear();
  set_spilled(h, false);
  return revisits;
}

std::vector<FrontierUrl> Frontier::take_queued(std::string_view name) {
  std::vector<FrontierUrl> taken;
  auto it = hosts_.find(name);
  if (it == hosts_.end()) return taken;
  Host& h = it->second;
  for (FrontierUrl& url : h.urls) {
    if (url.attempt > 0) --retries_queued_;
    taken.push_back(std::move(url));
  }
  queued_ -= h.urls.size();
  h.urls.clear();
  return taken;
}

void Frontier::read_again(std::string_view name) {
  auto it = hosts_.find(name);
  if (it == hosts_.end()) return;
  it->second.awaiting_done = false;
  check_starving(it->first, it->second);
}

bool Frontier::idle(std::string_view name, TimePoint now) const {
  auto it = hosts_.find(name);
  if (it == hosts_.end()) return true;
  const Host& h = it->second;
  return h.urls.empty() && h.in_flight == 0 && !h.spilled && h.next_start <= now &&
         h.resting_until <= now;
}

void Frontier::push(FrontierUrl url) {
  held_.insert(SeenSet::fingerprint(url.url.text()));
  auto entry = host_entry(url.origin());
  entry->second.urls.push_back(std::move(url));
  ++queued_;
  schedule(entry->first, entry->second);
}

void Frontier::schedule(const std::string& name, Host& h) {
  if (h.in_heap || h.parked || h.resolving || h.urls.empty() || h.in_flight >= limits_.max_per_host)
    return;
  h.in_heap = true;
  ready_.push({std::max(h.next_start, h.resting_until), order_++, name});
}

std::optional<FrontierUrl> Frontier::next(TimePoint now) {
  now_ = std::max(now_, now);
  if (in_flight_ >= limits_.max_in_flight) return std::nullopt;
  while (!ready_.empty() && ready_.top().at <= now) {
    Ready top = ready_.top();
    ready_.pop();
    if (top.address_wake) {
      wake_address(top.host, now);
      continue;
    }
    Host& h = hosts_.at(top.host);
    h.in_heap = false;
    if (h.urls.empty() || h.resolving || h.in_flight >= limits_.max_per_host) continue;
    if (held_back_ && held_back_(top.host)) continue;  // out of the heap until let_go()
    if (TimePoint due = std::max(h.next_start, h.resting_until); due > now) {
      schedule(top.host, h);  // it was told to rest after it was queued
      continue;
    }
    if (!h.address.empty() && addresses_.limited()) {
      auto at = addresses_.may_start(h.address, now);
      // Origins in line for the address go first, in turn: one that was not
      // called from the line joins it, or a busy origin, back in the heap
      // after each start, would take every start the address allows.
      bool behind = !h.called && addresses_.parked(h.address) > 0;
      if (!at || *at > now || behind) {
        park(top.host, h, now);  // its server is busy: wait there, not in the heap
        continue;
      }
      h.called = false;
    }
    auto counts_as_page = [](const FrontierUrl& u) {
      return u.attempt == 0 && u.kind == UrlKind::kPage && !u.revisit;
    };
    if (counts_as_page(h.urls.front()) && page_limit_reached()) {
      // No new pages now; revisits, sitemaps and retries may still go.
      auto other = std::find_if_not(h.urls.begin(), h.urls.end(), counts_as_page);
      if (other == h.urls.end()) continue;
      std::iter_swap(h.urls.begin(), other);
    }
    bool first_try = h.urls.front().attempt == 0;
    bool counts = counts_as_page(h.urls.front());
    FrontierUrl url = std::move(h.urls.front());
    h.urls.pop_front();
    --queued_;
    if (counts) ++started_;
    if (!first_try) --retries_queued_;
    ++h.in_flight;
    ++in_flight_;
    h.last_start = now;
    h.next_start = now + h.delay;
    if (!h.address.empty()) addresses_.started(h.address, now);
    schedule(top.host, h);
    check_starving(top.host, h);
    return url;
  }
  return std::nullopt;
}

void Frontier::let_go(std::string_view origin) {
  auto it = hosts_.find(origin);
  if (it != hosts_.end()) schedule(it->first, it->second);
}

bool Frontier::only_held_back() const {
  if (!held_back_ || in_flight_ > 0 || queued_ == 0 || orphans_pending() || uncertain_pending())
    return false;
  for (const auto& [name, h] : hosts_)
    if ((!h.urls.empty() || h.spilled) && !held_back_(name)) return false;
  return true;
}

std::optional<TimePoint> Frontier::next_ready() const {
  if (ready_.empty() || in_flight_ >= limits_.max_in_flight) return std::nullopt;
  return ready_.top().at;
}

Frontier::HostMap::iterator Frontier::release(const FrontierUrl& url) {
  --in_flight_;
  auto entry = hosts_.find(url.origin());
  --entry->second.in_flight;
  if (!entry->second.address.empty()) {
    addresses_.ended(entry->second.address);
    address_freed(entry->second.address);
  }
  return entry;
}

void Frontier::done(const FrontierUrl& url) {
  auto entry = release(url);
  Host& h = entry->second;
  h.last_done = ++done_seq_;
  h.awaiting_done = false;
  schedule(entry->first, h);
  check_starving(entry->first, h);
}

void Frontier::retry(FrontierUrl url, TimePoint not_before) {
  auto entry = release(url);
  Host& h = entry->second;
  h.next_start = std::max(h.next_start, not_before);
  ++url.attempt;
  h.urls.push_front(std::move(url));
  ++queued_;
  ++retries_queued_;
  schedule(entry->first, h);
}

void Frontier::host_succeeded(std::string_view name) {
  if (auto it = hosts_.find(name); it != hosts_.end()) it->second.failures = 0;
}

Millis Frontier::host_failed(std::string_view name, TimePoint now,
                             std::optional<Millis> retry_after) {
  Host& h = host(name);
  ++h.failures;
  Millis rest{0};
  if (retry_after) {
    rest = std::min(*retry_after, limits_.backoff_cap);
  } else {
    // base x 2^(failures-1), capped, then "equal jitter": half fixed, half random.
    int shift = std::min(h.failures - 1, 30);
    auto full =
        std::min<std::int64_t>(limits_.backoff_base.count() << shift, limits_.backoff_cap.count());
    std::uniform_int_distribution<std::int64_t> half(0, full / 2);
    rest = Millis(full - full / 2 + half(jitter_));
  }
  h.resting_until = std::max(h.resting_until, now + rest);
  return rest;
}

Frontier::HostCounts Frontier::host_counts(TimePoint now) const {
  HostCounts counts;
  for (const auto& [name, h] : hosts_) {
    counts.active += h.in_flight > 0;
    counts.resting += h.resting_until > now;
    counts.waiting +=
        h.in_flight == 0 && !h.urls.empty() && h.next_start > now && h.resting_until <= now;
  }
  return counts;
}

std::vector<Frontier::HostView> Frontier::host_views() const {
  std::vector<HostView> views;
  views.reserve(hosts_.size());
  for (const auto& [name, h] : hosts_)
    views.push_back({name, h.urls.size(), h.in_flight, h.last_start, h.next_start, h.resting_until,
                     h.failures, h.spilled});
  return views;
}

bool Frontier::expects_more(std::string_view origin, bool may_link) const {
  auto it = hosts_.find(origin);
  if (it == hosts_.end()) return false;
  const Host& h = it->second;
  return !h.urls.empty() || h.spilled || (may_link && h.last_done == 0);
}

std::optional<Frontier::HostView> Frontier::host_view(std::string_view origin) const {
  auto it = hosts_.find(origin);
  if (it == hosts_.end()) return std::nullopt;
  const Host& h = it->second;
  return HostView{it->first,    h.urls.size(),   h.in_flight, h.last_start,
                  h.next_start, h.resting_until, h.failures,  h.spilled};
}

void Frontier::set_page_limit(std::optional<std::size_t> pages) {
  bool raised = !pages || (limits_.max_pages && *pages > *limits_.max_pages);
  limits_.max_pages = pages;
  // next() drops a host from the heap when its first URL may not start for
  // the limit: with a higher one, it may now.
  if (raised)
    for (auto& [name, h] : hosts_) schedule(name, h);
}

void Frontier::set_host_delay(std::string_view name, Millis delay) {
  Host& h = host(name);
  h.delay = std::max(limits_.min_delay, delay);
  h.next_start = std::max(h.next_start, h.last_start + h.delay);
}

// Per-address politeness: origins wait for their server's room here.

void Frontier::park(const std::string& name, Host& h, TimePoint now) {
  if (h.parked) return;
  h.parked = true;
  std::optional<TimePoint> wake;
  if (addresses_.park(h.address, name, now, &wake)) ready_.push({*wake, order_++, h.address, true});
}

void Frontier::wake_address(const std::string& address, TimePoint now) {
  auto waiting = [this, &address](std::string_view origin) {
    auto it = hosts_.find(origin);
    return it != hosts_.end() && it->second.parked && it->second.address == address;
  };
  std::optional<TimePoint> wake;
  for (const std::string& origin : addresses_.unpark(address, now, waiting, &wake)) {
    auto it = hosts_.find(origin);
    it->second.parked = false;
    it->second.called = true;
    schedule(it->first, it->second);
  }
  if (wake) ready_.push({*wake, order_++, address, true});
}

void Frontier::address_freed(const std::string& address) {
  std::optional<TimePoint> wake;
  if (addresses_.wake_wanted(address, now_, &wake)) ready_.push({*wake, order_++, address, true});
}

void Frontier::set_address(std::string_view name, std::string address) {
  auto it = hosts_.find(name);
  if (it == hosts_.end()) return;  // forgotten meanwhile: looked up again when it comes back
  Host& h = it->second;
  if (h.address != address) {
    addresses_.moved(h.address, address, h.in_flight);
    std::string old = std::exchange(h.address, std::move(address));
    if (!old.empty()) address_freed(old);
    h.parked = false;  // it waited for the old address
  }
  h.resolving = false;
  schedule(it->first, h);
}

std::string_view Frontier::address_of(std::string_view name) const {
  auto it = hosts_.find(name);
  return it == hosts_.end() ? std::string_view() : std::string_view(it->second.address);
}

void Frontier::readdress(std::string_view name) {
  auto it = hosts_.find(name);
  if (it == hosts_.end()) return;  // looked up when it comes
  Host& h = it->second;
  if (!h.address.empty()) {
    addresses_.moved(h.address, "", h.in_flight);
    address_freed(std::exchange(h.address, {}));
  }
  h.parked = false;
  h.resolving = true;
  unresolved_.push_back(it->first);
}

void Frontier::put_back(FrontierUrl url) {
  bool counted = url.attempt == 0 && url.kind == UrlKind::kPage && !url.revisit;
  auto entry = release(url);
  Host& h = entry->second;
  if (counted) --started_;
  if (url.attempt > 0) ++retries_queued_;
  h.urls.push_front(std::move(url));
  ++queued_;
  schedule(entry->first, h);
}

}  // namespace crawler
