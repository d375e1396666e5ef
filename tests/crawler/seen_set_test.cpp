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

}  // namespace
}  // namespace crawler
