#include "crawler/frontier/host_leases.hpp"

#include <gtest/gtest.h>

namespace crawler {
namespace {

using namespace std::chrono_literals;

const HostLeases::Clock::time_point kT0 = HostLeases::Clock::time_point{} + 1000h;

// A lease is trusted while a third of it is left, counted from when the
// round that granted it was asked (the store's own count starts later).
TEST(HostLeases, ALeaseIsTrustedUntilItsLastThird) {
  HostLeases leases(3000ms, 2);
  EXPECT_FALSE(leases.holds("http://a.com", kT0));
  leases.granted("http://a.com", kT0);
  EXPECT_TRUE(leases.holds("http://a.com", kT0));
  EXPECT_TRUE(leases.holds("http://a.com", kT0 + 1999ms));
  EXPECT_FALSE(leases.holds("http://a.com", kT0 + 2000ms));
  EXPECT_FALSE(leases.holds("http://b.com", kT0));

  leases.granted("http://a.com", kT0 + 1000ms);  // renewed
  EXPECT_TRUE(leases.holds("http://a.com", kT0 + 2500ms));
  leases.forget("http://a.com");
  EXPECT_FALSE(leases.holds("http://a.com", kT0 + 2500ms));
}

TEST(HostLeases, RoomIsWhatTheCapLeaves) {
  HostLeases leases(3000ms, 2);
  EXPECT_EQ(leases.room(), 2u);
  leases.granted("http://a.com", kT0);
  leases.granted("http://b.com", kT0);
  EXPECT_EQ(leases.room(), 0u);
  EXPECT_EQ(leases.origins().size(), 2u);
}

TEST(HostLeases, AClaimIsNewForItsGraceAndARenewalDoesNotMakeItNewAgain) {
  HostLeases leases(30'000ms, 10);
  leases.granted("http://a.com", kT0);
  EXPECT_FALSE(leases.claimed_within("http://a.com", kT0, 3000ms));  // granted, never claimed
  leases.claimed("http://b.com", kT0);
  EXPECT_TRUE(leases.claimed_within("http://b.com", kT0 + 2999ms, 3000ms));
  EXPECT_FALSE(leases.claimed_within("http://b.com", kT0 + 3000ms, 3000ms));
  leases.granted("http://b.com", kT0 + 5000ms);  // renewed later: still an old claim
  EXPECT_FALSE(leases.claimed_within("http://b.com", kT0 + 5001ms, 3000ms));
  leases.claimed("http://b.com", kT0 + 6000ms);
  leases.forget("http://b.com");  // released: forgotten with its lease
  EXPECT_FALSE(leases.claimed_within("http://b.com", kT0 + 6001ms, 3000ms));
}

// An origin handed over is still held (renewed, released once idle), but
// no fetch of it starts, and it no longer counts among those kept.
TEST(HostLeases, AnOriginHandedOverIsHeldButNotFetched) {
  HostLeases leases(30'000ms, 10);
  leases.granted("http://a.com", kT0);
  leases.granted("http://b.com", kT0);
  leases.hand_over("http://a.com");
  leases.hand_over("http://c.com");  // not held: nothing to hand over
  EXPECT_FALSE(leases.holds("http://a.com", kT0));
  EXPECT_TRUE(leases.holds("http://b.com", kT0));
  EXPECT_TRUE(leases.handing_over("http://a.com"));
  EXPECT_FALSE(leases.handing_over("http://c.com"));
  EXPECT_EQ(leases.size(), 2u);
  EXPECT_EQ(leases.kept(), 1u);
  EXPECT_EQ(leases.origins().size(), 2u);
  leases.granted("http://a.com", kT0 + 1000ms);  // renewed: still going
  EXPECT_FALSE(leases.holds("http://a.com", kT0 + 1000ms));
  leases.forget("http://a.com");  // released
  EXPECT_FALSE(leases.handing_over("http://a.com"));
  EXPECT_EQ(leases.kept(), 1u);
}

}  // namespace
}  // namespace crawler
