// HostTally: exact below its capacity, bounded above it, and the large
// counts (the ones a budget is about) survive.
#include "crawler/host_tally.hpp"

#include <gtest/gtest.h>

#include <string>

namespace crawler {
namespace {

std::string host(int i) {
  return "h" + std::to_string(i) + ".example";
}

TEST(HostTally, CountsExactlyBelowItsCapacity) {
  HostTally tally(100);
  EXPECT_FALSE(tally.contains("a.example"));
  EXPECT_EQ(tally.add("a.example", 0), 0u);
  EXPECT_TRUE(tally.contains("a.example"));
  for (int i = 0; i < 5; ++i) tally.add("a.example");
  tally.add("b.example");
  EXPECT_EQ(tally.count("a.example"), 5u);
  EXPECT_EQ(tally.count("b.example"), 1u);
  EXPECT_EQ(tally.count("c.example"), 0u);
}

TEST(HostTally, PastItsCapacityForgetsSmallCountsAndKeepsLargeOnes) {
  HostTally tally(1000);
  for (int i = 0; i < 1000; ++i) tally.add("trap.example");
  for (int i = 0; i < 50'000; ++i) tally.add(host(i));
  EXPECT_LE(tally.size(), 1000u);
  EXPECT_EQ(tally.count("trap.example"), 1000u);
  int kept = 0;
  for (int i = 0; i < 50'000; ++i) kept += tally.contains(host(i));
  EXPECT_GT(kept, 900);  // a full table: the newest are there
}

}  // namespace
}  // namespace crawler
