// Frontier: see frontier.hpp.
#include "crawler/frontier.hpp"

#include <algorithm>
#include <utility>

#include "parsers/url.hpp"

namespace crawler {

Frontier::Frontier(FrontierLimits limits, std::uint32_t seed)
    : limits_(limits), seen_(limits.seen_memory), jitter_(seed) {}

Frontier::HostMap::iterator Frontier::host_entry(std::string_view name) {
  auto it = hosts_.find(name);
  if (it == hosts_.end()) {
    if (hosts_.size() >= sweep_at_) forget_idle_hosts();
    it = hosts_.emplace(std::string(name), Host{}).first;
    it->second.delay = limits_.min_delay;
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
}

// Seeds and redirect targets are held in memory (seeds are as many as the
// configuration lists; a target carries its chain). One the seen test calls
// "perhaps seen" is the caller's to queue durably: a walk brings it if new.
AddOutcome Frontier::add_seed(const std::string& url) {
  if (seen(url) == Seen::kPerhaps) return uncertain();
  return enqueue({url, 0, UrlKind::kPage, 0, {}, nullptr}, false);
}

AddOutcome Frontier::add_sitemap(const std::string& url) {
  return enqueue({url, 0, UrlKind::kSitemap, 0, {}, nullptr}, false);
}

AddOutcome Frontier::add(const std::string& url, int depth) {
  if (limits_.max_depth && depth > *limits_.max_depth) return AddOutcome::kTooDeep;
  return enqueue({url, depth, UrlKind::kPage, 0, {}, nullptr}, true);
}

AddOutcome Frontier::add_redirect(const std::string& url, const FrontierUrl& from) {
  if (seen(url) == Seen::kPerhaps) return uncertain();
  FrontierUrl next{url, from.depth, from.kind, 0, from.redirect_chain, nullptr};
  next.redirect_chain.push_back(from.url);
  return enqueue(std::move(next), false);
}

void Frontier::revisit(storage::DuePage page) {
  FrontierUrl url{page.url, page.depth, UrlKind::kPage, 0, {}, nullptr};
  url.revisit = std::make_shared<const storage::DuePage>(std::move(page));
  push(std::move(url));
}

AddOutcome Frontier::enqueue(FrontierUrl url, bool durable) {
  if (!seen_.insert(url.url))
    return !durable || seen_.exact() ? AddOutcome::kDuplicate : uncertain();
  if (!durable || !spill(url.host())) push(std::move(url));
  return AddOutcome::kQueued;
}

AddOutcome Frontier::uncertain() {
  uncertain_at_ = ++spills_;
  return AddOutcome::kUncertain;
}

// A host whose own window is full is flagged, and read again when it runs
// low; a URL spilled because memory as a whole is full is an orphan, found by
// the next walk over all hosts.
bool Frontier::spill(std::string_view name) {
  auto it = hosts_.find(name);
  bool window_full = it != hosts_.end() && it->second.urls.size() >= limits_.host_window;
  if (!window_full && queued_ < limits_.max_queued) return false;
  ++spills_;
  if (window_full) {
    it->second.last_spill = spills_;
    set_spilled(it->second, true);
  } else {
    orphans_at_ = spills_;
  }
  return true;
}

void Frontier::set_spilled(Host& h, bool spilled) {
  if (h.spilled == spilled) return;
  h.spilled = spilled;
  if (spilled) {
    ++spilled_hosts_;
  } else {
    --spilled_hosts_;
  }
}

// A spilled host whose window is half empty asks for the next refill.
void Frontier::check_starving(const std::string& name, Host& h) {
  if (!h.spilled || h.starving || h.awaiting_done || h.urls.size() > limits_.host_window / 2)
    return;
  h.starving = true;
  starving_.push_back(name);
}

void Frontier::push(FrontierUrl url) {
  held_.insert(SeenSet::fingerprint(url.url));
  auto entry = host_entry(url.host());
  entry->second.urls.push_back(std::move(url));
  ++queued_;
  schedule(entry->first, entry->second);
}

void Frontier::schedule(const std::string& name, Host& h) {
  if (h.in_heap || h.urls.empty() || h.in_flight >= limits_.max_per_host) return;
  h.in_heap = true;
  ready_.push({std::max(h.next_start, h.resting_until), order_++, name});
}

std::optional<FrontierUrl> Frontier::next(TimePoint now) {
  now_ = std::max(now_, now);
  if (in_flight_ >= limits_.max_in_flight) return std::nullopt;
  while (!ready_.empty() && ready_.top().at <= now) {
    Ready top = ready_.top();
    ready_.pop();
    Host& h = hosts_.at(top.host);
    h.in_heap = false;
    if (h.urls.empty() || h.in_flight >= limits_.max_per_host) continue;
    if (TimePoint due = std::max(h.next_start, h.resting_until); due > now) {
      schedule(top.host, h);  // it was told to rest after it was queued
      continue;
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
    schedule(top.host, h);
    check_starving(top.host, h);
    return url;
  }
  return std::nullopt;
}

void Frontier::committed(std::uint64_t fingerprint) {
  if (refilling_) {
    committed_while_refilling_.push_back(fingerprint);
  } else {
    held_.erase(fingerprint);
  }
}

void Frontier::end_refill() {
  refilling_ = false;
  for (std::uint64_t print : committed_while_refilling_) held_.erase(print);
  committed_while_refilling_.clear();
}

bool Frontier::walk_wanted() const {
  return (orphans_pending() && queued_ <= limits_.max_queued / 2) ||
         (uncertain_pending() && queued_ == 0 && in_flight_ == 0);
}

bool Frontier::refill_wanted() const {
  return !starving_.empty() || walk_wanted();
}

RefillPlan Frontier::plan_refill() {
  RefillPlan plan;
  refilling_ = true;
  for (const auto& name : starving_)
    if (auto it = hosts_.find(name); it != hosts_.end()) it->second.starving = false;
  plan.hosts_first = std::exchange(starving_, {});
  plan.walk = walk_wanted();
  if (plan.walk) {
    for (const auto& [name, h] : hosts_)
      if (h.urls.size() >= limits_.host_window) plan.full_hosts.push_back(name);
    std::sort(plan.full_hosts.begin(), plan.full_hosts.end());
  }
  plan.after_host = refill_cursor_;
  plan.room = limits_.max_queued > queued_ ? limits_.max_queued - queued_ : 0;
  plan.held = held_.size();
  plan.host_window = limits_.host_window;
  plan.spills = spills_;
  plan.done_seq = done_seq_;
  return plan;
}

std::size_t Frontier::refilled(const RefillPlan& plan, RefillRows rows) {
  struct EndRefill {  // commits are no longer deferred, however this ends
    Frontier& frontier;
    ~EndRefill() { frontier.end_refill(); }
  } end{*this};
  std::size_t queued = 0;
  for (auto& read : rows.hosts) {
    std::size_t pushed = 0;
    bool window_full = false;
    bool memory_full = false;
    for (auto& row : read.urls) {
      if (held_.contains(SeenSet::fingerprint(row.url))) continue;
      auto it = hosts_.find(read.name);
      window_full = it != hosts_.end() && it->second.urls.size() >= limits_.host_window;
      memory_full = queued_ >= limits_.max_queued;
      if (window_full || memory_full) break;
      push({std::move(row.url), row.depth, UrlKind::kPage, 0, {}, nullptr});
      ++pushed;
    }
    queued += pushed;
    if (memory_full) {
      orphans_at_ = ++spills_;  // the next walk, when memory has room again
      continue;
    }
    bool more = window_full || !read.all;
    auto it = more ? host_entry(read.name) : hosts_.find(read.name);
    if (it == hosts_.end()) continue;
    Host& h = it->second;
    if (!more) {
      if (h.last_spill <= plan.spills) set_spilled(h, false);
      continue;
    }
    h.last_spill = std::max(h.last_spill, plan.spills);
    set_spilled(h, true);
    // Rows that were all held are fetches still going (or waiting in the
    // window): reading again before one of them ends would read them again.
    if (pushed == 0 && h.last_done <= plan.done_seq) {
      h.awaiting_done = true;
    } else {
      check_starving(it->first, h);
    }
  }
  if (plan.walk) {
    // Full windows were not read: what the database holds of them comes
    // when they run low.
    for (const auto& name : plan.full_hosts) {
      if (auto it = hosts_.find(name); it != hosts_.end()) {
        it->second.last_spill = std::max(it->second.last_spill, plan.spills);
        set_spilled(it->second, true);
        check_starving(it->first, it->second);  // it may have emptied meanwhile
      }
    }
    refill_cursor_ = rows.last_host;
    if (rows.walked_all) walked_at_ = std::max(walked_at_, plan.spills);
  }
  return queued;
}

void Frontier::refill_failed(const RefillPlan& plan) {
  end_refill();
  for (const auto& name : plan.hosts_first)
    if (auto it = hosts_.find(name); it != hosts_.end()) check_starving(it->first, it->second);
}

std::optional<TimePoint> Frontier::next_ready() const {
  if (ready_.empty() || in_flight_ >= limits_.max_in_flight) return std::nullopt;
  return ready_.top().at;
}

Frontier::HostMap::iterator Frontier::release(const FrontierUrl& url) {
  --in_flight_;
  auto entry = hosts_.find(url.host());
  --entry->second.in_flight;
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
  }
  return counts;
}

void Frontier::set_host_delay(std::string_view name, Millis delay) {
  Host& h = host(name);
  h.delay = std::max(limits_.min_delay, delay);
  h.next_start = std::max(h.next_start, h.last_start + h.delay);
}

}  // namespace crawler
