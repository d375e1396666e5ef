// SeenSet: the URLs a crawl has met, as 64-bit fingerprints in open-addressing
// tables: about 12 bytes per URL instead of the ~100 a set of strings costs.
// Two different URLs share a fingerprint with odds of about n^2/2^65 (1e-8 at
// a million URLs): the later one would be taken as seen.
//
// The fingerprints are split over 64 parts by their top bits, and each part
// grows on its own: a doubling holds one part beside its copy, not the whole
// set (at ten million URLs that was 32 MiB beside 64 MiB, the crawl's peak).
//
// Its memory is capped. When a part would outgrow its share of the cap, the
// set turns into a Bloom filter of that size: still no false negatives, but a
// "seen" may then be a false positive (about 1 in 130 at 50 million URLs in
// 64 MB). The filter is blocked (each URL's bits in one 64-byte block: one
// cache miss per look-up) and each part's blocks are built inside that part's
// memory, one part at a time. The crawl's truth is the database; callers ask
// exact() to know whether a "seen" is certain.
#pragma once

#include <array>
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
  /// Makes room for `urls` in all at once: tables that hold them without
  /// growing, or the filter if they would outgrow the cap.
  void reserve(std::size_t urls);
  /// True while every answer is certain (before the cap turned the set into a filter).
  bool exact() const { return exact_; }
  /// URLs inserted (counted by insert() answering true).
  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const;

  /// The 64-bit fingerprint the set keeps of `url`; never 0.
  static std::uint64_t fingerprint(std::string_view url);

 private:
  static constexpr int kPartBits = 6;
  // A part's words: its table's slots (0: empty) while exact, then its
  // filter's blocks. Its fingerprints all share their top kPartBits bits.
  struct Part {
    std::vector<std::uint64_t> words;
    std::size_t size = 0;
  };

  static std::size_t part_index(std::uint64_t print) { return print >> (64 - kPartBits); }
  static void rehash(Part& part, std::size_t slots);
  void turn_into_filter();
  void build_filter(Part& part) const;
  std::size_t block_of(std::uint64_t print) const { return (print << kPartBits) >> bloom_shift_; }
  bool bloom_insert(Part& part, std::uint64_t print);
  bool bloom_contains(const Part& part, std::uint64_t print) const;

  std::size_t part_words_;  // a part's share of the cap, a power of two
  std::array<Part, 1 << kPartBits> parts_;
  bool exact_ = true;
  int bloom_shift_ = 64;  // a fingerprint's bits after the part's name its block
  std::size_t size_ = 0;
};

}  // namespace crawler
