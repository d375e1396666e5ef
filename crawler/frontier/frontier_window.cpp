// Frontier, the window: which URLs are held in memory and which are left
// to the database (spills), and reading them back (refills) without taking
// one twice. See frontier.hpp; scheduling and politeness are in frontier.cpp.
#include <algorithm>
#include <utility>

#include "crawler/frontier/frontier.hpp"

namespace crawler {

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

void Frontier::committed(std::uint64_t fingerprint) {
  if (reads_ > 0) {
    committed_while_reading_.push_back(fingerprint);
  } else {
    held_.erase(fingerprint);
  }
}

void Frontier::end_read() {
  if (--reads_ > 0) return;
  for (std::uint64_t print : committed_while_reading_) held_.erase(print);
  committed_while_reading_.clear();
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
  ++reads_;
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
  struct EndRead {  // commits are no longer deferred, however this ends
    Frontier& frontier;
    ~EndRead() { frontier.end_read(); }
  } end{*this};
  std::size_t queued = 0;
  for (auto& read : rows.hosts) {
    if (!owns(read.name)) continue;  // its lease went while the refill read
    std::size_t pushed = 0;
    bool window_full = false;
    bool memory_full = false;
    for (auto& row : read.urls) {
      if (held_.contains(SeenSet::fingerprint(row.url))) continue;
      auto it = hosts_.find(read.name);
      window_full = it != hosts_.end() && it->second.urls.size() >= limits_.host_window;
      memory_full = queued_ >= limits_.max_queued;
      if (window_full || memory_full) break;
      push({parsers::CrawlUrl::from_key(std::move(row.url)),
            row.depth,
            UrlKind::kPage,
            0,
            {},
            nullptr});
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
      auto it = hosts_.find(name);
      if (it == hosts_.end()) {
        orphans_at_ = ++spills_;  // emptied and forgotten meanwhile: the next walk reads it
        continue;
      }
      it->second.last_spill = std::max(it->second.last_spill, plan.spills);
      set_spilled(it->second, true);
      check_starving(it->first, it->second);  // it may have emptied meanwhile
    }
    refill_cursor_ = rows.last_host;
    if (rows.walked_all) walked_at_ = std::max(walked_at_, plan.spills);
  }
  return queued;
}

void Frontier::refill_failed(const RefillPlan& plan) {
  end_read();
  for (const auto& name : plan.hosts_first)
    if (auto it = hosts_.find(name); it != hosts_.end()) check_starving(it->first, it->second);
}

}  // namespace crawler
