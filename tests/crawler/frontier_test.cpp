#include "crawler/frontier.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace crawler {
namespace {

TEST(Frontier, HandsOutEachUrlOnce) {
  Frontier frontier({});
  EXPECT_EQ(frontier.add_seed("http://a.com/"), AddOutcome::kQueued);
  EXPECT_EQ(frontier.add("http://a.com/", 1), AddOutcome::kDuplicate);
  auto url = frontier.next();
  ASSERT_TRUE(url);
  EXPECT_EQ(url->url, "http://a.com/");
  EXPECT_FALSE(frontier.next());
  frontier.done(*url);
  EXPECT_EQ(frontier.add("http://a.com/", 1), AddOutcome::kDuplicate);
  EXPECT_TRUE(frontier.finished());
}

TEST(Frontier, KeepsToTheSeedsHosts) {
  Frontier frontier({});
  frontier.add_seed("http://a.com/");
  EXPECT_EQ(frontier.add("http://b.com/", 1), AddOutcome::kOutOfScope);
  EXPECT_EQ(frontier.add("http://a.com:8080/x", 1), AddOutcome::kQueued);
}

TEST(Frontier, EnforcesTheDepthLimitButNotOnSeeds) {
  FrontierLimits limits;
  limits.max_depth = 0;
  Frontier frontier(limits);
  EXPECT_EQ(frontier.add_seed("http://a.com/"), AddOutcome::kQueued);
  EXPECT_EQ(frontier.add("http://a.com/x", 1), AddOutcome::kTooDeep);
}

TEST(Frontier, CapsFetchesPerHostAndOverall) {
  FrontierLimits limits;
  limits.max_in_flight = 3;
  limits.max_per_host = 2;
  Frontier frontier(limits);
  frontier.add_seed("http://a.com/");
  frontier.add_seed("http://b.com/");
  for (int i = 0; i < 5; ++i) {
    frontier.add("http://a.com/" + std::to_string(i), 1);
    frontier.add("http://b.com/" + std::to_string(i), 1);
  }
  std::vector<FrontierUrl> started;
  while (auto url = frontier.next()) started.push_back(*url);
  ASSERT_EQ(started.size(), 3u);
  std::multiset<std::string> hosts;
  for (const auto& url : started) hosts.insert(url.host);
  EXPECT_LE(hosts.count("a.com"), 2u);
  EXPECT_LE(hosts.count("b.com"), 2u);

  frontier.done(started[0]);
  auto next = frontier.next();
  ASSERT_TRUE(next);
  EXPECT_FALSE(frontier.next());
}

TEST(Frontier, AlternatesBetweenHosts) {
  FrontierLimits limits;
  limits.max_per_host = 10;
  Frontier frontier(limits);
  frontier.add_seed("http://a.com/");
  frontier.add("http://a.com/2", 1);
  frontier.add_seed("http://b.com/");
  std::vector<std::string> hosts;
  while (auto url = frontier.next()) hosts.push_back(url->host);
  EXPECT_EQ(hosts, (std::vector<std::string>{"a.com", "b.com", "a.com"}));
}

TEST(Frontier, StopsStartingFetchesAtThePageLimit) {
  FrontierLimits limits;
  limits.max_pages = 2;
  Frontier frontier(limits);
  frontier.add_seed("http://a.com/");
  for (int i = 0; i < 5; ++i) frontier.add("http://a.com/" + std::to_string(i), 1);
  auto first = frontier.next();
  auto second = frontier.next();
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(frontier.next());
  EXPECT_FALSE(frontier.finished());
  frontier.done(*first);
  frontier.done(*second);
  EXPECT_TRUE(frontier.finished());
  EXPECT_EQ(frontier.started(), 2u);
}

}  // namespace
}  // namespace crawler
