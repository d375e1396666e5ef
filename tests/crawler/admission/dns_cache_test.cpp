#include "crawler/admission/dns_cache.hpp"

#include <gtest/gtest.h>

namespace crawler {
namespace {

using namespace std::chrono_literals;
using TimePoint = DnsCache::TimePoint;

const TimePoint kT0 = TimePoint{} + 1000h;

DnsCache::Limits limits(std::size_t names = 100) {
  return {.ttl = 300s, .failure_ttl = 60s, .max_names = names};
}

TEST(DnsCache, AnAnswerIsUsedForItsTtlThenLookedUpAgain) {
  DnsCache cache(limits());
  EXPECT_FALSE(cache.find("a.test", 80, kT0));
  cache.store("a.test", {"192.0.2.1", {}, {}}, kT0);
  auto answer = cache.find("a.test", 443, kT0 + 299s);
  ASSERT_TRUE(answer) << "a name's answer serves every port";
  EXPECT_EQ(answer->address, "192.0.2.1");
  EXPECT_FALSE(cache.find("a.test", 80, kT0 + 300s)) << "expired";
  cache.store("a.test", {"192.0.2.2", {}, {}}, kT0 + 300s);
  EXPECT_EQ(cache.find("a.test", 80, kT0 + 301s)->address, "192.0.2.2");
}

TEST(DnsCache, AFailureIsKeptButNotForLong) {
  DnsCache cache(limits());
  cache.store("gone.test", {{}, "Name or service not known", {}}, kT0);
  auto answer = cache.find("gone.test", 80, kT0 + 59s);
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->ok());
  EXPECT_EQ(answer->error, "Name or service not known");
  EXPECT_FALSE(cache.find("gone.test", 80, kT0 + 60s));
}

TEST(DnsCache, PastItsBoundTheOldestAnswersAreForgotten) {
  DnsCache cache(limits(3));
  for (int i = 0; i < 5; ++i)
    cache.store("n" + std::to_string(i) + ".test", {"192.0.2.1", {}, {}}, kT0);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.find("n0.test", 80, kT0));
  EXPECT_FALSE(cache.find("n1.test", 80, kT0));
  EXPECT_TRUE(cache.find("n4.test", 80, kT0));
  // Storing a name again makes it the youngest: it outlives older ones.
  cache.store("n2.test", {"192.0.2.3", {}, {}}, kT0 + 1s);
  cache.store("n5.test", {"192.0.2.1", {}, {}}, kT0 + 1s);
  EXPECT_TRUE(cache.find("n2.test", 80, kT0 + 1s));
  EXPECT_FALSE(cache.find("n3.test", 80, kT0 + 1s));
  // Stored again and again, a name does not grow the cache.
  for (int i = 0; i < 1000; ++i) cache.store("n5.test", {"192.0.2.1", {}, {}}, kT0 + 2s);
  EXPECT_EQ(cache.size(), 3u);
}

TEST(DnsCache, ResolveEntriesArePinnedPerPortAndNeverExpire) {
  DnsCache cache(limits());
  EXPECT_TRUE(cache.pin("Site.test:8080:127.0.0.1"));
  EXPECT_TRUE(cache.pin("six.test:80:[::1],127.0.0.2"));
  EXPECT_FALSE(cache.pin("nonsense"));
  EXPECT_FALSE(cache.pin("a.test:port:127.0.0.1"));
  EXPECT_FALSE(cache.pin("a.test:80:not-an-address"));
  EXPECT_EQ(cache.find("site.test", 8080, kT0 + 1000h)->address, "127.0.0.1");
  EXPECT_FALSE(cache.find("site.test", 80, kT0)) << "another port is looked up";
  EXPECT_EQ(cache.find("six.test", 80, kT0)->address, "::1");
  cache.store("site.test", {"192.0.2.7", {}, {}}, kT0);
  EXPECT_EQ(cache.find("site.test", 8080, kT0)->address, "127.0.0.1") << "the pin wins";
}

TEST(DnsCache, OriginsAreCutIntoHostAndPort) {
  EXPECT_EQ(host_port("http://a.test").host, "a.test");
  EXPECT_EQ(host_port("http://a.test").port, 80);
  EXPECT_EQ(host_port("https://a.test").port, 443);
  EXPECT_EQ(host_port("http://a.test:8080").port, 8080);
  EXPECT_EQ(host_port("http://[::1]:81").host, "[::1]");
  EXPECT_EQ(host_port("http://[::1]:81").port, 81);
  EXPECT_EQ(host_port("http://[::1]").port, 80);
  EXPECT_EQ(literal_address("[::1]"), "::1");
  EXPECT_EQ(literal_address("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(literal_address("a.test"), "");
}

}  // namespace
}  // namespace crawler
