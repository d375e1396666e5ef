// CurlMultiSet: an origin's transfers all go to one multi handle (its
// connection cache and TLS sessions are per handle), and origins spread
// over all the handles.
#include "crawler/async/curl_multi_set.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "crawler/async/loop.hpp"

namespace crawler::async {
namespace {

std::string origin(int i) {
  return "https://host" + std::to_string(i) + ".test:8443";
}

TEST(CurlMultiSet, AnOriginAlwaysGetsTheSameMultiHandle) {
  Loop loop;
  {
    CurlMultiSet set(loop.get(), 4 * CurlMultiSet::kTransfersPerMulti);
    ASSERT_EQ(set.size(), 4u);
    for (int i = 0; i < 100; ++i) {
      CurlMulti& first = set.for_origin(origin(i));
      for (int again = 0; again < 5; ++again) EXPECT_EQ(&set.for_origin(origin(i)), &first);
      // Other origins asked in between change nothing.
      set.for_origin(origin(i + 1000));
      EXPECT_EQ(&set.for_origin(origin(i)), &first);
    }
    set.shutdown();
  }
  EXPECT_EQ(loop.close(), 0) << "a libuv handle was left open";
}

TEST(CurlMultiSet, OriginsSpreadOverEveryMultiHandle) {
  Loop loop;
  {
    CurlMultiSet set(loop.get(), 4 * CurlMultiSet::kTransfersPerMulti);
    std::map<const CurlMulti*, int> origins_per_multi;
    for (int i = 0; i < 1000; ++i) ++origins_per_multi[&set.for_origin(origin(i))];
    ASSERT_EQ(origins_per_multi.size(), 4u);
    // About 250 each; a hash that clumps origins would leave handles idle.
    for (const auto& [multi, count] : origins_per_multi) {
      EXPECT_GT(count, 150);
      EXPECT_LT(count, 350);
    }
    set.shutdown();
  }
  EXPECT_EQ(loop.close(), 0) << "a libuv handle was left open";
}

// A crawl keeps the TLS sessions of about as many origins however many
// multi handles it has (each session costs about 7 KB).
TEST(CurlMultiSet, TheTlsSessionsKeptAreSharedOutOverTheMultiHandles) {
  Loop loop;
  for (std::size_t handles : {1u, 4u, 10u}) {
    CurlMultiSet set(loop.get(), handles * CurlMultiSet::kTransfersPerMulti);
    ASSERT_EQ(set.size(), handles);
    std::set<CurlMulti*> multis;
    for (int i = 0; i < 1000; ++i) multis.insert(&set.for_origin(origin(i)));
    ASSERT_EQ(multis.size(), handles);
    std::size_t total = 0;
    for (CurlMulti* multi : multis) total += multi->tls_sessions().max_sessions();
    EXPECT_GE(total, TlsSessions::kDefaultMaxSessions) << handles;
    EXPECT_LT(total, TlsSessions::kDefaultMaxSessions + handles) << handles;
    set.shutdown();
  }
  EXPECT_EQ(loop.close(), 0);
}

TEST(CurlMultiSet, OneMultiHandleTakesEveryOrigin) {
  Loop loop;
  {
    CurlMultiSet set(loop.get(), 64);
    ASSERT_EQ(set.size(), 1u);
    EXPECT_EQ(&set.for_origin(origin(1)), &set.for_origin(origin(2)));
    set.shutdown();
  }
  EXPECT_EQ(loop.close(), 0) << "a libuv handle was left open";
}

}  // namespace
}  // namespace crawler::async
