#include "crawler/frontier/seen_set.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace crawler {
namespace {

TEST(SeenSet, RemembersWhatWasInserted) {
  SeenSet seen;
  EXPECT_TRUE(seen.insert("http://a.com/"));
  EXPECT_FALSE(seen.insert("http://a.com/"));
  EXPECT_TRUE(seen.contains("http://a.com/"));
  EXPECT_FALSE(seen.contains("http://a.com/x"));
  EXPECT_EQ(seen.size(), 1u);
}

TEST(SeenSet, KeepsEveryMemberAcrossGrowth) {
  SeenSet seen;
  constexpr int kCount = 200'000;
  for (int i = 0; i < kCount; ++i)
    EXPECT_TRUE(
        seen.insert("http://host" + std::to_string(i % 1000) + ".test/p" + std::to_string(i)));
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kCount));
  int found = 0;
  for (int i = 0; i < kCount; ++i)
    found +=
        seen.contains("http://host" + std::to_string(i % 1000) + ".test/p" + std::to_string(i));
  EXPECT_EQ(found, kCount);
  int strangers = 0;
  for (int i = 0; i < kCount; ++i)
    strangers += seen.contains("http://other.test/" + std::to_string(i));
  EXPECT_EQ(strangers, 0);
}

TEST(SeenSet, CostsAFewBytesPerUrl) {
  SeenSet seen;
  for (int i = 0; i < 100'000; ++i) seen.insert("http://example.com/page/" + std::to_string(i));
  EXPECT_LE(seen.memory_bytes() / seen.size(), 24u);
}

// A doubling copies one part of the set, never the whole of it: no insert
// grows the memory by more than a sixteenth (the whole table doubled at once
// before, holding its old half beside it).
TEST(SeenSet, GrowsAPartAtATime) {
  SeenSet seen;
  std::size_t largest_step = 0;
  for (int i = 0; i < 300'000; ++i) {
    std::size_t before = seen.memory_bytes();
    seen.insert("http://example.com/page/" + std::to_string(i));
    std::size_t step = seen.memory_bytes() - before;
    if (before >= 1024 * 1024) largest_step = std::max(largest_step, step * 16 / before);
  }
  EXPECT_TRUE(seen.exact());
  EXPECT_EQ(largest_step, 0u);
}

TEST(SeenSet, AtItsCapItBecomesAFilterWithoutFalseNegatives) {
  SeenSet seen(64 * 1024);
  auto url = [](int i) { return "http://example.com/page/" + std::to_string(i); };
  constexpr int kCount = 50'000;  // the exact table would need 1 MiB
  for (int i = 0; i < kCount; ++i) seen.insert(url(i));
  EXPECT_FALSE(seen.exact());
  EXPECT_EQ(seen.memory_bytes(), 64u * 1024);  // built in the table's place, not beside it
  int found = 0;
  for (int i = 0; i < kCount; ++i) found += seen.contains(url(i));
  EXPECT_EQ(found, kCount);
  // 50,000 URLs in 524,288 bits (10.5 per URL): about 0.8 % false positives.
  int strangers = 0;
  for (int i = 0; i < kCount; ++i) strangers += seen.contains("http://other.test/" + url(i));
  EXPECT_GT(strangers, kCount / 1000);
  EXPECT_LT(strangers, kCount / 50);
}

TEST(SeenSet, ReservingPastTheCapMakesTheFilterAtOnceAndKeepsWhatWasThere) {
  SeenSet seen(64 * 1024);
  auto url = [](int i) { return "http://example.com/page/" + std::to_string(i); };
  for (int i = 0; i < 500; ++i) seen.insert(url(i));
  seen.reserve(50'000);
  EXPECT_FALSE(seen.exact());
  EXPECT_EQ(seen.memory_bytes(), 64u * 1024);
  int found = 0;
  for (int i = 0; i < 500; ++i) found += seen.contains(url(i));
  EXPECT_EQ(found, 500);
  EXPECT_FALSE(seen.insert(url(7)));
  EXPECT_TRUE(seen.insert(url(500)));
}

TEST(SeenSet, ReservingWithinTheCapHoldsThatManyWithoutGrowingAgain) {
  SeenSet seen;
  auto url = [](int i) { return "http://example.com/page/" + std::to_string(i); };
  seen.insert(url(0));
  seen.reserve(100'000);
  std::size_t reserved = seen.memory_bytes();
  EXPECT_GE(reserved, 100'000u * sizeof(std::uint64_t));
  for (int i = 1; i < 100'000; ++i) seen.insert(url(i));
  EXPECT_TRUE(seen.exact());
  EXPECT_EQ(seen.memory_bytes(), reserved);
  EXPECT_TRUE(seen.contains(url(0)));
  EXPECT_EQ(seen.size(), 100'000u);
}

}  // namespace
}  // namespace crawler
