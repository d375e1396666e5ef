#include "crawler/frontier/address_slots.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace crawler {
namespace {

using namespace std::chrono_literals;
using TimePoint = AddressSlots::TimePoint;

const TimePoint kT0 = TimePoint{} + 1000h;
const std::string kAddress = "192.0.2.1";

auto always_waiting = [](std::string_view) { return true; };

TEST(AddressSlots, StartsAreSpacedAndCappedPerAddress) {
  AddressSlots slots({.max_in_flight = 2, .spacing = 250ms});
  EXPECT_EQ(slots.may_start(kAddress, kT0), kT0);
  slots.started(kAddress, kT0);
  EXPECT_EQ(slots.may_start(kAddress, kT0), kT0 + 250ms);
  EXPECT_EQ(slots.may_start("192.0.2.2", kT0), kT0) << "another address is not affected";
  slots.started(kAddress, kT0 + 250ms);
  EXPECT_FALSE(slots.may_start(kAddress, kT0 + 1s)) << "two in flight: full";
  slots.ended(kAddress);
  EXPECT_EQ(slots.may_start(kAddress, kT0 + 1s), kT0 + 1s);
  EXPECT_EQ(slots.in_flight(kAddress), 1u);
}

TEST(AddressSlots, WithoutLimitsNothingWaits) {
  AddressSlots slots({});
  EXPECT_FALSE(slots.limited());
  for (int i = 0; i < 100; ++i) slots.started(kAddress, kT0);
  EXPECT_EQ(slots.may_start(kAddress, kT0), kT0);
}

TEST(AddressSlots, ParkedOriginsAreWokenOneAtATimeInOrderWhenTheSpacingIsOver) {
  AddressSlots slots({.max_in_flight = 4, .spacing = 250ms});
  slots.started(kAddress, kT0);
  std::optional<TimePoint> wake;
  EXPECT_TRUE(slots.park(kAddress, "http://a.test", kT0, &wake));
  EXPECT_EQ(wake, kT0 + 250ms);
  wake.reset();
  EXPECT_FALSE(slots.park(kAddress, "http://b.test", kT0, &wake)) << "one wake-up is pending";
  EXPECT_FALSE(wake);
  // Too early: nobody goes, the wake-up is arranged again.
  EXPECT_TRUE(slots.unpark(kAddress, kT0 + 100ms, always_waiting, &wake).empty());
  EXPECT_EQ(wake, kT0 + 250ms);
  wake.reset();
  auto ready = slots.unpark(kAddress, kT0 + 250ms, always_waiting, &wake);
  EXPECT_EQ(ready, std::vector<std::string>{"http://a.test"});
  EXPECT_EQ(wake, kT0 + 250ms) << "b waits on: looked at again once a had its chance";
  slots.started(kAddress, kT0 + 250ms);
  wake.reset();
  EXPECT_TRUE(slots.unpark(kAddress, kT0 + 250ms, always_waiting, &wake).empty());
  EXPECT_EQ(wake, kT0 + 500ms);
  EXPECT_EQ(slots.parked(kAddress), 1u);
}

TEST(AddressSlots, AFullAddressWakesItsParkedOriginsWhenAFetchEnds) {
  AddressSlots slots({.max_in_flight = 1, .spacing = 0ms});
  slots.started(kAddress, kT0);
  std::optional<TimePoint> wake;
  EXPECT_FALSE(slots.park(kAddress, "http://a.test", kT0, &wake)) << "full: an end wakes it";
  EXPECT_FALSE(slots.wake_wanted(kAddress, kT0, &wake)) << "still full";
  slots.ended(kAddress);
  EXPECT_TRUE(slots.wake_wanted(kAddress, kT0 + 1s, &wake));
  EXPECT_EQ(wake, kT0 + 1s);
  wake.reset();
  EXPECT_EQ(slots.unpark(kAddress, kT0 + 1s, always_waiting, &wake),
            std::vector<std::string>{"http://a.test"});
  EXPECT_FALSE(wake);
}

TEST(AddressSlots, OriginsThatStoppedWaitingAreSkipped) {
  AddressSlots slots({.max_in_flight = 1, .spacing = 0ms});
  slots.started(kAddress, kT0);
  std::optional<TimePoint> wake;
  slots.park(kAddress, "http://gone.test", kT0, &wake);
  slots.park(kAddress, "http://here.test", kT0, &wake);
  slots.ended(kAddress);
  auto waiting = [](std::string_view origin) { return origin == "http://here.test"; };
  EXPECT_EQ(slots.unpark(kAddress, kT0, waiting, &wake),
            std::vector<std::string>{"http://here.test"});
}

TEST(AddressSlots, MovedFetchesCountAtTheirNewAddressAndIdleAddressesAreForgotten) {
  AddressSlots slots({.max_in_flight = 4, .spacing = 250ms});
  slots.started(kAddress, kT0);
  slots.started(kAddress, kT0);
  slots.moved(kAddress, "192.0.2.9", 2);
  EXPECT_EQ(slots.in_flight(kAddress), 0u);
  EXPECT_EQ(slots.in_flight("192.0.2.9"), 2u);
  slots.forget_idle(kT0 + 1s);
  EXPECT_EQ(slots.size(), 1u) << "the address with fetches in flight stays";
}

}  // namespace
}  // namespace crawler
