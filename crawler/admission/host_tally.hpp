// HostTally: a count per host (or origin) in bounded memory. Keys are kept
// as 64-bit fingerprints (about 40 bytes a host instead of a string each).
// Past `capacity` keys, adding a new one forgets the smallest count among a
// few sampled, so the hosts that matter to a budget (the ones with many
// pages, a crawler trap above all) stay counted, and a count that reached
// `keep_at` (the budget) is never forgotten: when a sample holds only such
// counts, the tally grows instead. A forgotten host starts again from zero.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>
#include <unordered_map>

namespace crawler {

class HostTally {
 public:
  HostTally(std::size_t capacity, std::uint32_t keep_at);

  /// The count of `key`; 0 when never added (or forgotten).
  std::uint32_t count(std::string_view key) const;
  bool contains(std::string_view key) const;
  /// Adds `n` (which may be 0: the key is then only known) and returns the new count.
  std::uint32_t add(std::string_view key, std::uint32_t n = 1);
  std::size_t size() const { return counts_.size(); }

 private:
  void forget_a_small_one();

  std::size_t capacity_;
  std::uint32_t keep_at_;
  std::unordered_map<std::uint64_t, std::uint32_t> counts_;
  std::minstd_rand random_{7};
};

}  // namespace crawler
