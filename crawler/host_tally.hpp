// HostTally: a count per host (or origin) in bounded memory. Keys are kept
// as 64-bit fingerprints (12-16 bytes a host instead of a string each).
// Past `capacity` keys, adding a new one forgets one of the smallest counts
// among a few sampled, so the hosts that matter to a budget (the ones with
// many pages, a crawler trap above all) stay counted; a forgotten host
// starts again from zero, which only ever gives a small host more room.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>
#include <unordered_map>

namespace crawler {

class HostTally {
 public:
  explicit HostTally(std::size_t capacity);

  /// The count of `key`; 0 when never added (or forgotten).
  std::uint32_t count(std::string_view key) const;
  bool contains(std::string_view key) const;
  /// Adds `n` (which may be 0: the key is then only known) and returns the new count.
  std::uint32_t add(std::string_view key, std::uint32_t n = 1);
  std::size_t size() const { return counts_.size(); }

 private:
  void forget_a_small_one();

  std::size_t capacity_;
  std::unordered_map<std::uint64_t, std::uint32_t> counts_;
  std::minstd_rand random_{7};
};

}  // namespace crawler
