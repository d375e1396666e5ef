// SeenSet: see seen_set.hpp.
#include "crawler/frontier/seen_set.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <deque>

namespace crawler {

namespace {

constexpr int kBloomHashes = 7;         // near-optimal up to ~10 bits per URL
constexpr std::size_t kBlockWords = 8;  // 512 bits: a cache line

using Block = std::array<std::uint64_t, kBlockWords>;

// The bits of `print` within its block: 9-bit slices of a remix, so they do
// not repeat the top bits that chose the block.
template <typename Visit>
bool for_each_bit(std::uint64_t print, Visit visit) {
  std::uint64_t mixed = print * 0x9e3779b97f4a7c15ull;
  for (int i = 1; i <= kBloomHashes; ++i) {
    auto bit = static_cast<unsigned>(mixed >> (64 - 9 * i)) & 511u;
    if (!visit(bit / 64, std::uint64_t{1} << (bit % 64))) return false;
  }
  return true;
}

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
  if (++size_ * 10 > slots_.size() * 7) reserve(size_);  // load factor at most 0.7
  return true;
}

bool SeenSet::contains(std::string_view url) const {
  std::uint64_t print = fingerprint(url);
  if (!exact()) return bloom_contains(print);
  return slots_[find(print)] == print;
}

void SeenSet::reserve(std::size_t urls) {
  if (!exact()) return;
  std::size_t slots = slots_.size();
  while (urls * 10 > slots * 7) slots *= 2;
  if (slots * sizeof(std::uint64_t) > max_bytes_)
    turn_into_filter();
  else if (slots > slots_.size())
    rehash(slots);
}

void SeenSet::rehash(std::size_t slots) {
  std::vector<std::uint64_t> old = std::move(slots_);
  slots_.assign(slots, 0);
  for (std::uint64_t print : old)
    if (print != 0) slots_[find(print)] = print;
}

// The filter is as large as the cap allows, which is also as large as the
// table grows. So it is built in the table's memory: the fingerprints,
// sorted, move to the end, and the blocks are written from the start, each
// once its fingerprints are read. A block's words may still hold
// fingerprints of later blocks; those wait in a short list first.
void SeenSet::turn_into_filter() {
  std::vector<std::uint64_t> words = std::move(slots_);
  words.resize(std::bit_floor(max_bytes_ / sizeof(std::uint64_t)), 0);
  auto used = std::remove(words.begin(), words.end(), std::uint64_t{0});
  std::sort(words.begin(), used);  // by block, since the top bits name it
  std::size_t next = words.size() - static_cast<std::size_t>(used - words.begin());
  std::move_backward(words.begin(), used, words.end());

  std::size_t blocks = words.size() / kBlockWords;
  bloom_shift_ = 64 - std::countr_zero(blocks);
  std::deque<std::uint64_t> waiting;  // read before words[next]: they come first
  for (std::size_t block = 0; block < blocks; ++block) {
    Block bits{};
    for (;;) {
      bool from_list = !waiting.empty();
      if (!from_list && next == words.size()) break;
      std::uint64_t print = from_list ? waiting.front() : words[next];
      if (block_of(print) != block) break;
      for_each_bit(print, [&bits](std::size_t word, std::uint64_t flag) {
        bits[word] |= flag;
        return true;
      });
      if (from_list)
        waiting.pop_front();
      else
        ++next;
    }
    std::size_t end = (block + 1) * kBlockWords;
    while (next < end) waiting.push_back(words[next++]);
    std::copy(bits.begin(), bits.end(), words.begin() + block * kBlockWords);
  }
  slots_ = {};
  bloom_ = std::move(words);
}

bool SeenSet::bloom_insert(std::uint64_t print) {
  std::uint64_t* block = bloom_.data() + block_of(print) * kBlockWords;
  bool added = false;
  for_each_bit(print, [block, &added](std::size_t word, std::uint64_t flag) {
    added = added || (block[word] & flag) == 0;
    block[word] |= flag;
    return true;
  });
  return added;
}

bool SeenSet::bloom_contains(std::uint64_t print) const {
  const std::uint64_t* block = bloom_.data() + block_of(print) * kBlockWords;
  return for_each_bit(
      print, [block](std::size_t word, std::uint64_t flag) { return (block[word] & flag) != 0; });
}

}  // namespace crawler
