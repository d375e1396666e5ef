#include "crawler/async/tls_sessions.hpp"

#include <gtest/gtest.h>

#include <string>

namespace crawler::async {
namespace {

TEST(TlsSessions, AnOriginHasItsLastSession) {
  TlsSessions sessions;
  EXPECT_EQ(sessions.find("https://a.test"), nullptr);
  sessions.keep("https://a.test", "first");
  sessions.keep("https://b.test", "other");
  sessions.keep("https://a.test", "second");  // a newer ticket replaces the older
  ASSERT_NE(sessions.find("https://a.test"), nullptr);
  EXPECT_EQ(*sessions.find("https://a.test"), "second");
  EXPECT_EQ(*sessions.find("https://b.test"), "other");
  EXPECT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions.bytes(), 11u);
}

TEST(TlsSessions, PastItsBytesTheLeastRecentlyUsedOriginsAreDropped) {
  TlsSessions sessions(/*max_bytes=*/30);
  sessions.keep("https://a.test", std::string(10, 'a'));
  sessions.keep("https://b.test", std::string(10, 'b'));
  sessions.keep("https://c.test", std::string(10, 'c'));
  ASSERT_NE(sessions.find("https://a.test"), nullptr);  // a is used: b is now the oldest
  sessions.keep("https://d.test", std::string(10, 'd'));
  EXPECT_EQ(sessions.find("https://b.test"), nullptr);
  EXPECT_NE(sessions.find("https://a.test"), nullptr);
  EXPECT_NE(sessions.find("https://c.test"), nullptr);
  EXPECT_NE(sessions.find("https://d.test"), nullptr);
  EXPECT_EQ(sessions.bytes(), 30u);

  sessions.keep("https://e.test", std::string(31, 'e'));  // larger than all: not kept
  EXPECT_EQ(sessions.find("https://e.test"), nullptr);
  EXPECT_EQ(sessions.size(), 3u);
}

}  // namespace
}  // namespace crawler::async
