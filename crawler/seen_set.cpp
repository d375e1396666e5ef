// SeenSet: see seen_set.hpp.
#include "crawler/seen_set.hpp"

namespace crawler {

SeenSet::SeenSet() : slots_(1024, 0) {}

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
  std::size_t slot = find(print);
  if (slots_[slot] == print) return false;
  slots_[slot] = print;
  if (++size_ * 10 > slots_.size() * 7) grow();  // load factor at most 0.7
  return true;
}

bool SeenSet::contains(std::string_view url) const {
  std::uint64_t print = fingerprint(url);
  return slots_[find(print)] == print;
}

void SeenSet::grow() {
  std::vector<std::uint64_t> old = std::move(slots_);
  slots_.assign(old.size() * 2, 0);
  for (std::uint64_t print : old)
    if (print != 0) slots_[find(print)] = print;
}

}  // namespace crawler
