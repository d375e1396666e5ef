// HostTally: see host_tally.hpp.
#include "crawler/admission/host_tally.hpp"

#include <algorithm>

#include "crawler/frontier/seen_set.hpp"

namespace crawler {

namespace {

constexpr int kSampled = 8;  // entries looked at to choose which to forget

}  // namespace

HostTally::HostTally(std::size_t capacity, std::uint32_t keep_at)
    : capacity_(std::max<std::size_t>(capacity, 1)), keep_at_(keep_at) {}

std::uint32_t HostTally::count(std::string_view key) const {
  auto it = counts_.find(SeenSet::fingerprint(key));
  return it == counts_.end() ? 0 : it->second;
}

bool HostTally::contains(std::string_view key) const {
  return counts_.contains(SeenSet::fingerprint(key));
}

std::uint32_t HostTally::add(std::string_view key, std::uint32_t n) {
  std::uint64_t print = SeenSet::fingerprint(key);
  auto it = counts_.find(print);
  if (it == counts_.end()) {
    if (counts_.size() >= capacity_) forget_a_small_one();
    it = counts_.emplace(print, 0).first;
  }
  it->second += n;
  return it->second;
}

// From a random bucket on, the first few entries; the smallest of them goes.
void HostTally::forget_a_small_one() {
  std::size_t buckets = counts_.bucket_count();
  std::size_t bucket = std::uniform_int_distribution<std::size_t>(0, buckets - 1)(random_);
  auto smallest = counts_.end();
  int seen = 0;
  for (std::size_t i = 0; i < buckets && seen < kSampled; ++i) {
    for (auto it = counts_.begin((bucket + i) % buckets); it != counts_.end((bucket + i) % buckets);
         ++it) {
      if (it->second < keep_at_ && (smallest == counts_.end() || it->second < smallest->second))
        smallest = counts_.find(it->first);
      if (++seen == kSampled) break;
    }
  }
  if (smallest != counts_.end()) counts_.erase(smallest);
}

}  // namespace crawler
