// HostTally: exact below its capacity, bounded above it, and the large
// counts (the ones a budget is about) survive.
#include "crawler/admission/host_tally.hpp"

#include <gtest/gtest.h>

#include <string>

namespace crawler {
namespace {

std::string host(int i) {
  return "h" + std::to_string(i) + ".example";
}

TEST(HostTally, CountsExactlyBelowItsCapacity) {
  HostTally tally(100, 1000);
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
  HostTally tally(1000, 1'000'000);
  for (int i = 0; i < 1000; ++i) tally.add("trap.example");
  for (int i = 0; i < 50'000; ++i) tally.add(host(i));
  EXPECT_LE(tally.size(), 1000u);
  EXPECT_EQ(tally.count("trap.example"), 1000u);
  EXPECT_EQ(tally.count(host(49'999)), 1u);  // room is made before a key goes in
  EXPECT_LT(tally.count(host(0)) + tally.count(host(1)) + tally.count(host(2)), 3u);
}

TEST(HostTally, ACountThatReachedItsLimitIsNeverForgotten) {
  HostTally tally(100, 5);
  for (int h = 0; h < 100; ++h)
    for (int i = 0; i < 5; ++i) tally.add(host(h));  // every host at its budget
  for (int i = 0; i < 100; ++i) tally.add("new" + std::to_string(i) + ".example");
  for (int h = 0; h < 100; ++h) EXPECT_EQ(tally.count(host(h)), 5u) << host(h);
  EXPECT_GT(tally.size(), 100u);  // it grew rather than forget a spent budget
}

}  // namespace
}  // namespace crawler
