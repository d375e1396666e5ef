// SeenSet: the URLs a crawl has met, as 64-bit fingerprints in one
// open-addressing table: about 12 bytes per URL instead of the ~100 a set of
// strings costs, so a crawl of millions of URLs keeps its seen test in
// memory. Two different URLs share a fingerprint with odds of about n^2/2^65
// (1e-8 at a million URLs): the later one would be taken as seen.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace crawler {

class SeenSet {
 public:
  SeenSet();

  /// Adds `url`; false when it was there already.
  bool insert(std::string_view url);
  bool contains(std::string_view url) const;
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(std::uint64_t); }

  /// The 64-bit fingerprint the set keeps of `url`; never 0.
  static std::uint64_t fingerprint(std::string_view url);

 private:
  std::size_t find(std::uint64_t print) const;  // its slot, or the empty slot where it would go
  void grow();

  std::vector<std::uint64_t> slots_;  // 0: empty
  std::size_t size_ = 0;
};

}  // namespace crawler
