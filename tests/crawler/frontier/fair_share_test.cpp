#include "crawler/frontier/fair_share.hpp"

#include <gtest/gtest.h>

namespace crawler {
namespace {

TEST(FairShare, IsTheOriginsWithWorkPerLiveWorkerRoundedUpAndCapped) {
  EXPECT_EQ(fair_share({.live_workers = 3, .origins_with_work = 40}, 1000), 14u);
  EXPECT_EQ(fair_share({.live_workers = 4, .origins_with_work = 40}, 1000), 10u);
  EXPECT_EQ(fair_share({.live_workers = 4, .origins_with_work = 40}, 6), 6u);
  EXPECT_EQ(fair_share({.live_workers = 0, .origins_with_work = 5}, 1000), 5u);
  EXPECT_EQ(fair_share({.live_workers = 5, .origins_with_work = 2}, 1000), 1u);
  EXPECT_EQ(fair_share({.live_workers = 5, .origins_with_work = 0}, 1000), 0u);
}

TEST(FairShare, ACrawlerBelowItsShareClaimsTheRest) {
  ShareMove move = share_move({.live_workers = 4, .origins_with_work = 40}, 0, 1000);
  EXPECT_EQ(move.claim, 10u);
  EXPECT_EQ(move.hand_over, 0u);
}

// Three crawlers hold 14, 13 and 13 of 40 origins; a fourth joins.
TEST(FairShare, WhenAWorkerJoinsTheHoldersHandOverWhatIsAboveTheirShare) {
  FleetCensus four{.live_workers = 4, .origins_with_work = 40};
  EXPECT_EQ(share_move(four, 14, 1000).hand_over, 4u);
  EXPECT_EQ(share_move(four, 13, 1000).hand_over, 3u);
  EXPECT_EQ(share_move(four, 14, 1000).claim, 0u);
}

TEST(FairShare, WithinTheSlackNothingMoves) {
  FleetCensus census{.live_workers = 3, .origins_with_work = 36};  // share 12, slack 1
  EXPECT_EQ(share_move(census, 13, 1000).hand_over, 0u);
  EXPECT_EQ(share_move(census, 13, 1000).claim, 0u);
  EXPECT_EQ(share_move(census, 14, 1000).hand_over, 2u);
  FleetCensus large{.live_workers = 2, .origins_with_work = 800};  // share 400, slack 50
  EXPECT_EQ(share_move(large, 450, 1000).hand_over, 0u);
  EXPECT_EQ(share_move(large, 451, 1000).hand_over, 51u);
}

TEST(FairShare, WithNoWorkLeftEverythingHeldBeyondTheSlackGoes) {
  EXPECT_EQ(share_move({.live_workers = 2, .origins_with_work = 0}, 1, 1000).hand_over, 0u);
  EXPECT_EQ(share_move({.live_workers = 2, .origins_with_work = 0}, 3, 1000).hand_over, 3u);
}

}  // namespace
}  // namespace crawler
