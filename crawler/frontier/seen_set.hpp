// SeenSet: the URLs a crawl has met, as 64-bit fingerprints in one
// open-addressing table: about 12 bytes per URL instead of the ~100 a set of
// strings costs. Two different URLs share a fingerprint with odds of about
// n^2/2^65 (1e-8 at a million URLs): the later one would be taken as seen.
//
// Its memory is capped. When the table would outgrow the cap, the set turns
// into a Bloom filter of that size: still no false negatives, but a "seen"
// may then be a false positive (about 1 in 130 at 50 million URLs in 64 MB).
// The filter is blocked (each URL's bits in one 64-byte block: one cache
// miss per look-up) and is built inside the table's own memory, so the two
// are never held together. The crawl's truth is the database; callers ask
// exact() to know whether a "seen" is certain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace crawler {

class SeenSet {
 public:
  explicit SeenSet(std::size_t max_bytes = std::size_t{64} << 20);

  /// Adds `url`; false when it was there already (or, once not exact, may have been).
  bool insert(std::string_view url);
  /// False: certainly never inserted. True: inserted, or (once not exact) perhaps not.
  bool contains(std::string_view url) const;
  /// Makes room for `urls` in all at once: a table that holds them without
  /// growing, or the filter if they would outgrow the cap. A set loaded from
  /// a database then never holds a table beside its doubled copy.
  void reserve(std::size_t urls);
  /// True while every answer is certain (before the cap turned the set into a filter).
  bool exact() const { return bloom_.empty(); }
  /// URLs inserted (counted by insert() answering true).
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const {
    return (slots_.capacity() + bloom_.capacity()) * sizeof(std::uint64_t);
  }

  /// The 64-bit fingerprint the set keeps of `url`; never 0.
  static std::uint64_t fingerprint(std::string_view url);

 private:
  std::size_t find(std::uint64_t print) const;  // its slot, or the empty slot where it would go
  void rehash(std::size_t slots);
  void turn_into_filter();
  std::size_t block_of(std::uint64_t print) const { return print >> bloom_shift_; }
  bool bloom_insert(std::uint64_t print);
  bool bloom_contains(std::uint64_t print) const;

  std::size_t max_bytes_;
  std::vector<std::uint64_t> slots_;  // 0: empty
  std::vector<std::uint64_t> bloom_;  // bits; replaces slots_ at the cap
  int bloom_shift_ = 64;              // a fingerprint's top bits name its block
  std::size_t size_ = 0;
};

}  // namespace crawler
