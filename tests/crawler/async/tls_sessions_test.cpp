#include "crawler/async/tls_sessions.hpp"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

namespace crawler::async {
namespace {

TlsSessions::Session new_session() {
  return TlsSessions::Session(SSL_SESSION_new());
}

TEST(TlsSessions, AnOriginHasItsLastSession) {
  TlsSessions sessions;
  EXPECT_EQ(sessions.find("https://a.test"), nullptr);
  sessions.keep("https://a.test", new_session());
  TlsSessions::Session other = new_session(), second = new_session();
  SSL_SESSION* other_ptr = other.get();
  SSL_SESSION* second_ptr = second.get();
  sessions.keep("https://b.test", std::move(other));
  sessions.keep("https://a.test", std::move(second));  // a newer ticket replaces the older
  EXPECT_EQ(sessions.find("https://a.test"), second_ptr);
  EXPECT_EQ(sessions.find("https://b.test"), other_ptr);
  EXPECT_EQ(sessions.size(), 2u);
}

TEST(TlsSessions, PastItsSizeTheLeastRecentlyUsedOriginsAreDropped) {
  TlsSessions sessions(/*max_sessions=*/3);
  sessions.keep("https://a.test", new_session());
  sessions.keep("https://b.test", new_session());
  sessions.keep("https://c.test", new_session());
  ASSERT_NE(sessions.find("https://a.test"), nullptr);  // a is used: b is now the oldest
  sessions.keep("https://d.test", new_session());
  EXPECT_EQ(sessions.find("https://b.test"), nullptr);
  EXPECT_NE(sessions.find("https://a.test"), nullptr);
  EXPECT_NE(sessions.find("https://c.test"), nullptr);
  EXPECT_NE(sessions.find("https://d.test"), nullptr);
  EXPECT_EQ(sessions.size(), 3u);

  sessions.keep("https://c.test", new_session());  // replaced, and c the newest
  sessions.keep("https://e.test", new_session());
  EXPECT_EQ(sessions.find("https://a.test"), nullptr);
  EXPECT_NE(sessions.find("https://c.test"), nullptr);
}

}  // namespace
}  // namespace crawler::async
