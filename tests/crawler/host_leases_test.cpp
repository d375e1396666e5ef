#include "crawler/host_leases.hpp"

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

}  // namespace
}  // namespace crawler
