#include "crawler/seen_set.hpp"

#include <gtest/gtest.h>

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

TEST(SeenSet, AtItsCapItBecomesAFilterWithoutFalseNegatives) {
  SeenSet seen(64 * 1024);
  auto url = [](int i) { return "http://example.com/page/" + std::to_string(i); };
  constexpr int kCount = 20'000;  // the exact table would need 256 KiB
  for (int i = 0; i < kCount; ++i) seen.insert(url(i));
  EXPECT_FALSE(seen.exact());
  EXPECT_LE(seen.memory_bytes(), 64u * 1024);
  int found = 0;
  for (int i = 0; i < kCount; ++i) found += seen.contains(url(i));
  EXPECT_EQ(found, kCount);
  // 20,000 URLs in 524,288 bits: about 0.2 % false positives.
  int strangers = 0;
  for (int i = 0; i < kCount; ++i) strangers += seen.contains("http://other.test/" + url(i));
  EXPECT_GT(strangers, 0);
  EXPECT_LT(strangers, kCount / 100);
}

}  // namespace
}  // namespace crawler
