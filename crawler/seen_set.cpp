// SeenSet: see seen_set.hpp.
#include "crawler/seen_set.hpp"

#include <algorithm>
#include <bit>

namespace crawler {

namespace {

constexpr int kBloomHashes = 7;  // near-optimal up to ~10 bits per URL

}  // namespace

SeenSet::SeenSet(std::size_t max_bytes)
    : max_bytes_(std::max<std::size_t>(max_bytes, 8 * 1024)), slots_(1024, 0) {}

std::uint64_t SeenSet::fingerprint(std::string_view url) {
  std::uint64_t hash = 1469598103934665603ull;  // FNV-1a ...
  for (unsigned char c : url) hash = (hash ^ c) * 1099511628211ull;
  hash ^= hash >> 31;  // ... then a splitmix64 finish, so the low bits index well
  hash *= 0x7fb5d329728ea185ull;
  hash ^= hash >> 27;
  hash *= 0x81dadef4bc2dd44dull;
  hash ^= hash >> 33;
  return hash == 0 ? 1 : hash;  // 0 marks an empty slot
}

std::size_t SeenSet::find(std::uint64_t print) const {
  std::size_t mask = slots_.size() - 1;
  std::size_t slot = print & mask;
  while (slots_[slot] != 0 && slots_[slot] != print) slot = (slot + 1) & mask;  // never full
  return slot;
}

bool SeenSet::insert(std::string_view url) {
  std::uint64_t print = fingerprint(url);
  if (!exact()) {
    bool added = bloom_insert(print);
    size_ += added;
    return added;
  }
  std::size_t slot = find(print);
  if (slots_[slot] == print) return false;
  slots_[slot] = print;
  if (++size_ * 10 > slots_.size() * 7) grow();  // load factor at most 0.7
  return true;
}

bool SeenSet::contains(std::string_view url) const {
  std::uint64_t print = fingerprint(url);
  if (!exact()) return bloom_contains(print);
  return slots_[find(print)] == print;
}

void SeenSet::grow() {
  std::vector<std::uint64_t> old = std::move(slots_);
  if (old.size() * 2 * sizeof(std::uint64_t) > max_bytes_) {
    // The cap: every fingerprint goes into a filter as large as the cap allows.
    bloom_.assign(std::bit_floor(max_bytes_ / sizeof(std::uint64_t)), 0);
    for (std::uint64_t print : old)
      if (print != 0) bloom_insert(print);
    return;
  }
  slots_.assign(old.size() * 2, 0);
  for (std::uint64_t print : old)
    if (print != 0) slots_[find(print)] = print;
}

// Double hashing over the fingerprint's two halves (Kirsch and Mitzenmacher).
bool SeenSet::bloom_insert(std::uint64_t print) {
  std::uint64_t mask = bloom_.size() * 64 - 1;
  std::uint64_t step = (print >> 32) | 1;
  bool added = false;
  for (int i = 0; i < kBloomHashes; ++i) {
    std::uint64_t bit = (print + i * step) & mask;
    std::uint64_t& word = bloom_[bit / 64];
    std::uint64_t flag = std::uint64_t{1} << (bit % 64);
    added = added || (word & flag) == 0;
    word |= flag;
  }
  return added;
}

bool SeenSet::bloom_contains(std::uint64_t print) const {
  std::uint64_t mask = bloom_.size() * 64 - 1;
  std::uint64_t step = (print >> 32) | 1;
  for (int i = 0; i < kBloomHashes; ++i) {
    std::uint64_t bit = (print + i * step) & mask;
    if ((bloom_[bit / 64] & (std::uint64_t{1} << (bit % 64))) == 0) return false;
  }
  return true;
}

}  // namespace crawler
