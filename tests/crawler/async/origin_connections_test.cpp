#include "crawler/async/origin_connections.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>

namespace crawler::async {
namespace {

TEST(OriginConnections, NoneIsIdleWhileEveryConnectionServesATransferInFlight) {
  OriginConnections origins;
  {
    OriginConnections::Transfer first(origins, "http://a.test");
    EXPECT_TRUE(first.none_idle());  // nothing open yet
    OriginConnections::opened(first.tally());
    OriginConnections::Transfer second(origins, "http://a.test");
    EXPECT_TRUE(second.none_idle());  // the one connection is the first's
    OriginConnections::Transfer elsewhere(origins, "http://b.test");
    EXPECT_TRUE(elsewhere.none_idle());
  }
  // Both transfers ended; their connection stays open for reuse.
  EXPECT_EQ(origins.connections("http://a.test"), 1u);
  OriginConnections::Transfer third(origins, "http://a.test");
  EXPECT_FALSE(third.none_idle());
  OriginConnections::Transfer fourth(origins, "http://a.test");
  EXPECT_TRUE(fourth.none_idle());   // the idle one is the third's to take
  EXPECT_EQ(origins.origins(), 1u);  // b.test left no connection: forgotten
}

TEST(OriginConnections, IdleConnectionsAreCountedOverEveryOrigin) {
  OriginConnections origins;
  {
    OriginConnections::Transfer a(origins, "http://a.test");
    OriginConnections::opened(a.tally());
    OriginConnections::Transfer b(origins, "http://b.test");
    OriginConnections::opened(b.tally());
    EXPECT_EQ(origins.idle(), 0u);  // both in use
  }
  EXPECT_EQ(origins.idle(), 2u);
  {
    // Two streams on b's one connection (HTTP/2): none idle there, a's still is.
    OriginConnections::Transfer first(origins, "http://b.test");
    OriginConnections::Transfer second(origins, "http://b.test");
    EXPECT_EQ(origins.idle(), 1u);
  }
  EXPECT_EQ(origins.idle(), 2u);
}

TEST(OriginConnections, AClosedConnectionIsCountedAndItsOriginForgotten) {
  OriginConnections origins;
  OriginConnections::Tally* tally = nullptr;
  {
    OriginConnections::Transfer transfer(origins, "http://a.test");
    tally = transfer.tally();
    OriginConnections::opened(tally);
  }
  EXPECT_EQ(origins.origins(), 1u);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(origins.idle(), 1u);
  EXPECT_EQ(OriginConnections::on_close(tally, fd), 0);
  EXPECT_EQ(origins.connections("http://a.test"), 0u);
  EXPECT_EQ(origins.idle(), 0u);
  EXPECT_EQ(origins.origins(), 0u);
}

}  // namespace
}  // namespace crawler::async
