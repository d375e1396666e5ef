#include "crawler/admission/address_policy.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace crawler {
namespace {

AddressClass class_of(const std::string& text) {
  auto ip = parse_ip(text);
  EXPECT_TRUE(ip) << text;
  return ip ? classify(*ip) : AddressClass::kPublic;
}

TEST(AddressPolicy, PublicAddressesArePublic) {
  for (const char* text : {"93.184.216.34", "8.8.8.8", "2606:2800:220:1::1", "1.1.1.1",
                           "172.32.0.1", "100.128.0.1", "169.255.0.1"})
    EXPECT_EQ(class_of(text), AddressClass::kPublic) << text;
}

TEST(AddressPolicy, EveryInternalRangeHasItsClass) {
  EXPECT_EQ(class_of("127.0.0.1"), AddressClass::kLoopback);
  EXPECT_EQ(class_of("127.255.255.254"), AddressClass::kLoopback);
  EXPECT_EQ(class_of("::1"), AddressClass::kLoopback);
  EXPECT_EQ(class_of("10.0.0.5"), AddressClass::kPrivate);
  EXPECT_EQ(class_of("172.16.0.1"), AddressClass::kPrivate);
  EXPECT_EQ(class_of("172.31.255.255"), AddressClass::kPrivate);
  EXPECT_EQ(class_of("192.168.1.1"), AddressClass::kPrivate);
  EXPECT_EQ(class_of("fc00::1"), AddressClass::kPrivate);
  EXPECT_EQ(class_of("fdff::1"), AddressClass::kPrivate);
  EXPECT_EQ(class_of("100.64.0.1"), AddressClass::kShared);
  EXPECT_EQ(class_of("100.127.255.255"), AddressClass::kShared);
  EXPECT_EQ(class_of("169.254.169.254"), AddressClass::kLinkLocal);
  EXPECT_EQ(class_of("fe80::1"), AddressClass::kLinkLocal);
  EXPECT_EQ(class_of("224.0.0.1"), AddressClass::kMulticast);
  EXPECT_EQ(class_of("ff02::1"), AddressClass::kMulticast);
  EXPECT_EQ(class_of("0.0.0.0"), AddressClass::kUnspecified);
  EXPECT_EQ(class_of("::"), AddressClass::kUnspecified);
  EXPECT_EQ(class_of("0.1.2.3"), AddressClass::kThisNetwork);
  EXPECT_EQ(class_of("255.255.255.255"), AddressClass::kBroadcast);
  EXPECT_EQ(class_of("240.0.0.1"), AddressClass::kReserved);
  EXPECT_EQ(class_of("192.0.2.1"), AddressClass::kReserved);
  EXPECT_EQ(class_of("2001:db8::1"), AddressClass::kReserved);
}

TEST(AddressPolicy, IPv6FormsOfIPv4AddressesAreJudgedAsTheirIPv4) {
  EXPECT_EQ(class_of("::ffff:127.0.0.1"), AddressClass::kLoopback);     // mapped
  EXPECT_EQ(class_of("::ffff:7f00:1"), AddressClass::kLoopback);        // mapped, hex
  EXPECT_EQ(class_of("::10.0.0.1"), AddressClass::kPrivate);            // compatible
  EXPECT_EQ(class_of("64:ff9b::a9fe:a9fe"), AddressClass::kLinkLocal);  // NAT64
  EXPECT_EQ(class_of("2002:c0a8:0101::1"), AddressClass::kPrivate);     // 6to4 of 192.168.1.1
  EXPECT_EQ(class_of("::ffff:0:10.0.0.1"), AddressClass::kPrivate);     // translated (SIIT)
  EXPECT_EQ(class_of("64:ff9b:1::8.8.8.8"), AddressClass::kPrivate);    // local-use NAT64
  EXPECT_EQ(class_of("::2"), AddressClass::kThisNetwork);               // compatible 0.0.0.2
  EXPECT_EQ(class_of("::ffff:8.8.8.8"), AddressClass::kPublic);
  EXPECT_EQ(class_of("64:ff9b::8.8.8.8"), AddressClass::kPublic);
}

TEST(AddressPolicy, RefusesInternalAddressesUnlessARangeAllowsThem) {
  AddressPolicy strict;
  auto why = strict.refusal(*parse_ip("10.1.2.3"));
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "10.1.2.3 is a private address");
  EXPECT_FALSE(strict.refusal(*parse_ip("8.8.8.8")));

  AddressPolicy intranet({"10.0.0.0/8", "fd00::/8", "127.0.0.2"});
  EXPECT_FALSE(intranet.refusal(*parse_ip("10.1.2.3")));
  EXPECT_FALSE(intranet.refusal(*parse_ip("::ffff:10.1.2.3")));  // the same address
  EXPECT_FALSE(intranet.refusal(*parse_ip("fd12::1")));
  EXPECT_FALSE(intranet.refusal(*parse_ip("127.0.0.2")));
  EXPECT_TRUE(intranet.refusal(*parse_ip("127.0.0.1")));
  EXPECT_TRUE(intranet.refusal(*parse_ip("192.168.0.1")));
  EXPECT_TRUE(intranet.refusal(*parse_ip("fc00::1")));
}

TEST(AddressPolicy, RangesParseOrSayWhichDoesNot) {
  EXPECT_TRUE(parse_cidr("10.0.0.0/8"));
  EXPECT_TRUE(parse_cidr("[::1]"));
  EXPECT_TRUE(parse_cidr("0.0.0.0/0"));
  EXPECT_FALSE(parse_cidr("10.0.0.0/33"));
  EXPECT_FALSE(parse_cidr("10.0.0.0/"));
  EXPECT_FALSE(parse_cidr("10.0.0.0/8x"));
  EXPECT_FALSE(parse_cidr("example.com"));
  EXPECT_FALSE(parse_cidr("fd00::/129"));
  try {
    AddressPolicy bad({"10.0.0.0/8", "intranet"});
    ADD_FAILURE() << "a bad range was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'intranet'"), std::string::npos) << e.what();
  }
}

TEST(AddressPolicy, AddressesPrintInTheirUsualForms) {
  EXPECT_EQ(ip_to_string(*parse_ip("127.0.0.1")), "127.0.0.1");
  EXPECT_EQ(ip_to_string(*parse_ip("[fe80::1]")), "fe80::1");
}

}  // namespace
}  // namespace crawler
