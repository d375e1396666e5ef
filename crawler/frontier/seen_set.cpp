// SeenSet: see seen_set.hpp.
#include "crawler/frontier/seen_set.hpp"

#include <algorithm>
#include <bit>
#include <deque>

namespace crawler {

namespace {

constexpr std::size_t kFirstSlots = 16;  // per part: 8 KiB in all
constexpr int kBloomHashes = 7;          // near-optimal up to ~10 bits per URL
constexpr std::size_t kBlockWords = 8;   // 512 bits: a cache line

using Block = std::array<std::uint64_t, kBlockWords>;

// The bits of `print` within its block: 9-bit slices of a remix, so they do
// not repeat the top bits that chose the part and the block.
template <typename Visit>
bool for_each_bit(std::uint64_t print, Visit visit) {
  std::uint64_t mixed = print * 0x9e3779b97f4a7c15ull;
  for (int i = 1; i <= kBloomHashes; ++i) {
    auto bit = static_cast<unsigned>(mixed >> (64 - 9 * i)) & 511u;
    if (!visit(bit / 64, std::uint64_t{1} << (bit % 64))) return false;
  }
  return true;
}

// The slot of `print` in a table, or the empty slot where it would go. The
// low bits index it: the top ones named the part.
std::size_t find(const std::vector<std::uint64_t>& slots, std::uint64_t print) {
  std::size_t mask = slots.size() - 1;
  std::size_t slot = print & mask;
  while (slots[slot] != 0 && slots[slot] != print) slot = (slot + 1) & mask;  // never full
  return slot;
}

// The table size that holds `urls` at a load factor of at most 0.7.
std::size_t slots_for(std::size_t urls) {
  std::size_t slots = kFirstSlots;
  while (urls * 10 > slots * 7) slots *= 2;
  return slots;
}

}  // namespace

SeenSet::SeenSet(std::size_t max_bytes)
    // At least two filter blocks per part (8 KiB in all), so a block's index has a bit.
    : part_words_(std::bit_floor(
          std::max<std::size_t>(max_bytes, 8 * 1024) / sizeof(std::uint64_t) >> kPartBits)) {
  for (Part& part : parts_) part.words.assign(kFirstSlots, 0);
}

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

std::size_t SeenSet::memory_bytes() const {
  std::size_t words = 0;
  for (const Part& part : parts_) words += part.words.capacity();
  return words * sizeof(std::uint64_t);
}

bool SeenSet::insert(std::string_view url) {
  std::uint64_t print = fingerprint(url);
  Part& part = parts_[part_index(print)];
  if (!exact_) {
    bool added = bloom_insert(part, print);
    size_ += added;
    return added;
  }
  std::size_t slot = find(part.words, print);
  if (part.words[slot] == print) return false;
  part.words[slot] = print;
  ++size_;
  if (++part.size * 10 > part.words.size() * 7) {
    if (part.words.size() * 2 > part_words_)
      turn_into_filter();
    else
      rehash(part, part.words.size() * 2);
  }
  return true;
}

bool SeenSet::contains(std::string_view url) const {
  std::uint64_t print = fingerprint(url);
  const Part& part = parts_[part_index(print)];
  if (!exact_) return bloom_contains(part, print);
  return part.words[find(part.words, print)] == print;
}

void SeenSet::reserve(std::size_t urls) {
  if (!exact_) return;
  std::size_t share = urls >> kPartBits;
  if (slots_for(share) > part_words_) return turn_into_filter();
  // Parts fill unevenly, by a few per cent: room for an eighth more where the cap allows.
  std::size_t slots = std::min(slots_for(share + share / 8 + 16), part_words_);
  for (Part& part : parts_)
    if (slots > part.words.size()) rehash(part, slots);
}

void SeenSet::rehash(Part& part, std::size_t slots) {
  std::vector<std::uint64_t> old = std::move(part.words);
  part.words.assign(slots, 0);
  for (std::uint64_t print : old)
    if (print != 0) part.words[find(part.words, print)] = print;
}

void SeenSet::turn_into_filter() {
  bloom_shift_ = 64 - std::countr_zero(part_words_ / kBlockWords);
  for (Part& part : parts_) build_filter(part);
  exact_ = false;
}

// A part's filter is as large as its table may grow, so it is built in the
// table's memory: the fingerprints, sorted, move to the end, and the blocks
// are written from the start, each once its fingerprints are read. A
// block's words may still hold fingerprints of later blocks; those wait in a
// short list first.
void SeenSet::build_filter(Part& part) const {
  std::vector<std::uint64_t>& words = part.words;
  words.resize(part_words_, 0);
  auto used = std::remove(words.begin(), words.end(), std::uint64_t{0});
  std::sort(words.begin(), used);  // by block: the bits after the part's name it
  std::size_t next = words.size() - static_cast<std::size_t>(used - words.begin());
  std::move_backward(words.begin(), used, words.end());

  std::size_t blocks = words.size() / kBlockWords;
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
}

bool SeenSet::bloom_insert(Part& part, std::uint64_t print) {
  std::uint64_t* block = part.words.data() + block_of(print) * kBlockWords;
  bool added = false;
  for_each_bit(print, [block, &added](std::size_t word, std::uint64_t flag) {
    added = added || (block[word] & flag) == 0;
    block[word] |= flag;
    return true;
  });
  return added;
}

bool SeenSet::bloom_contains(const Part& part, std::uint64_t print) const {
  const std::uint64_t* block = part.words.data() + block_of(print) * kBlockWords;
  return for_each_bit(
      print, [block](std::size_t word, std::uint64_t flag) { return (block[word] & flag) != 0; });
}

}  // namespace crawler
