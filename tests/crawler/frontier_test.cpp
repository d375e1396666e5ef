#include "crawler/frontier.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace crawler {
namespace {

using namespace std::chrono_literals;

// No politeness delay unless a test asks for one.
FrontierLimits limits(std::size_t in_flight = 64, std::size_t per_host = 8) {
  FrontierLimits l;
  l.max_in_flight = in_flight;
  l.max_per_host = per_host;
  l.min_delay = 0ms;
  return l;
}

const TimePoint kT0 = TimePoint{} + 1000h;

TEST(Frontier, HandsOutEachUrlOnce) {
  Frontier frontier(limits());
  EXPECT_EQ(frontier.add_seed("http://a.com/"), AddOutcome::kQueued);
  EXPECT_EQ(frontier.add("http://a.com/", 1), AddOutcome::kDuplicate);
  auto url = frontier.next(kT0);
  ASSERT_TRUE(url);
  EXPECT_EQ(url->url, "http://a.com/");
  EXPECT_EQ(url->host(), "a.com");
  EXPECT_FALSE(frontier.next(kT0));
  frontier.done(*url);
  EXPECT_EQ(frontier.add("http://a.com/", 1), AddOutcome::kDuplicate);
  EXPECT_TRUE(frontier.finished());
}

TEST(Frontier, EnforcesTheDepthLimitButNotOnSeeds) {
  FrontierLimits l = limits();
  l.max_depth = 0;
  Frontier frontier(l);
  EXPECT_EQ(frontier.add_seed("http://a.com/"), AddOutcome::kQueued);
  EXPECT_EQ(frontier.add("http://a.com/x", 1), AddOutcome::kTooDeep);
}

TEST(Frontier, CapsFetchesPerHostAndOverall) {
  Frontier frontier(limits(3, 2));
  for (int i = 0; i < 5; ++i) {
    frontier.add("http://a.com/" + std::to_string(i), 1);
    frontier.add("http://b.com/" + std::to_string(i), 1);
  }
  std::vector<FrontierUrl> started;
  while (auto url = frontier.next(kT0)) started.push_back(*url);
  ASSERT_EQ(started.size(), 3u);
  std::multiset<std::string> hosts;
  for (const auto& url : started) hosts.insert(std::string(url.host()));
  EXPECT_LE(hosts.count("a.com"), 2u);
  EXPECT_LE(hosts.count("b.com"), 2u);

  frontier.done(started[0]);
  EXPECT_TRUE(frontier.next(kT0));
  EXPECT_FALSE(frontier.next(kT0));
}

TEST(Frontier, AlternatesBetweenHosts) {
  Frontier frontier(limits(64, 10));
  frontier.add_seed("http://a.com/");
  frontier.add("http://a.com/2", 1);
  frontier.add_seed("http://b.com/");
  std::vector<std::string> hosts;
  while (auto url = frontier.next(kT0)) hosts.push_back(std::string(url->host()));
  EXPECT_EQ(hosts, (std::vector<std::string>{"a.com", "b.com", "a.com"}));
}

TEST(Frontier, SpacesTheStartsOfOneHostByTheDelay) {
  FrontierLimits l = limits(64, 4);
  l.min_delay = 1000ms;
  Frontier frontier(l);
  frontier.add_seed("http://a.com/1");
  frontier.add_seed("http://a.com/2");
  frontier.add_seed("http://b.com/1");
  auto first = frontier.next(kT0);
  auto other_host = frontier.next(kT0);
  ASSERT_TRUE(first && other_host);
  EXPECT_NE(first->host(), other_host->host());  // a slow host does not hold up the others
  EXPECT_FALSE(frontier.next(kT0 + 999ms));
  EXPECT_EQ(frontier.next_ready(), kT0 + 1000ms);
  auto second = frontier.next(kT0 + 1000ms);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->url, "http://a.com/2");
}

TEST(Frontier, ACrawlDelayLongerThanTheMinimumWins) {
  Frontier frontier(limits());
  frontier.set_host_delay("a.com", 5000ms);
  frontier.add_seed("http://a.com/1");
  frontier.add_seed("http://a.com/2");
  ASSERT_TRUE(frontier.next(kT0));
  EXPECT_FALSE(frontier.next(kT0 + 4999ms));
  EXPECT_TRUE(frontier.next(kT0 + 5000ms));
}

TEST(Frontier, AFailingHostRestsForRetryAfterWhileOthersGoOn) {
  Frontier frontier(limits());
  frontier.add_seed("http://a.com/1");
  frontier.add_seed("http://a.com/2");
  frontier.add_seed("http://b.com/1");
  auto a1 = frontier.next(kT0);
  ASSERT_TRUE(a1);
  EXPECT_EQ(frontier.host_failed("a.com", kT0, 2000ms), 2000ms);
  frontier.retry(*a1, kT0 + 2000ms);
  std::vector<std::string> now;
  while (auto url = frontier.next(kT0 + 1ms)) now.push_back(url->url);
  EXPECT_EQ(now, (std::vector<std::string>{"http://b.com/1"}));
  auto retried = frontier.next(kT0 + 2000ms);
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->url, "http://a.com/1");  // the retry goes first
  EXPECT_EQ(retried->attempt, 1);
}

TEST(Frontier, BackOffGrowsExponentiallyWithinTheCap) {
  FrontierLimits l = limits();
  l.backoff_base = 1000ms;
  l.backoff_cap = 5000ms;
  Frontier frontier(l);
  Millis first = frontier.host_failed("a.com", kT0);
  Millis second = frontier.host_failed("a.com", kT0);
  Millis third = frontier.host_failed("a.com", kT0);
  Millis capped = frontier.host_failed("a.com", kT0);
  EXPECT_GE(first, 500ms);
  EXPECT_LE(first, 1000ms);
  EXPECT_GE(second, 1000ms);
  EXPECT_LE(second, 2000ms);
  EXPECT_GE(third, 2000ms);
  EXPECT_LE(third, 4000ms);
  EXPECT_LE(capped, 5000ms);
  frontier.host_succeeded("a.com");
  EXPECT_LE(frontier.host_failed("a.com", kT0), 1000ms);
}

TEST(Frontier, StopsStartingNewUrlsAtThePageLimitButFinishesRetries) {
  FrontierLimits l = limits();
  l.max_pages = 2;
  Frontier frontier(l);
  for (int i = 0; i < 5; ++i) frontier.add_seed("http://a.com/" + std::to_string(i));
  auto first = frontier.next(kT0);
  auto second = frontier.next(kT0);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(frontier.next(kT0));
  frontier.retry(*first, kT0);
  EXPECT_FALSE(frontier.finished());
  auto retried = frontier.next(kT0);
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->url, first->url);
  frontier.done(*retried);
  frontier.done(*second);
  EXPECT_TRUE(frontier.finished());
  EXPECT_EQ(frontier.started(), 2u);
}

TEST(Frontier, AtThePageLimitSitemapsAndRevisitsStillGo) {
  FrontierLimits l = limits();
  l.max_pages = 1;
  Frontier frontier(l);
  frontier.add_seed("http://a.com/1");
  frontier.add_seed("http://a.com/2");
  frontier.add_sitemap("http://a.com/sitemap.xml");
  auto first = frontier.next(kT0);
  ASSERT_TRUE(first);
  frontier.done(*first);
  auto sitemap = frontier.next(kT0);
  ASSERT_TRUE(sitemap);
  EXPECT_EQ(sitemap->kind, UrlKind::kSitemap);
  frontier.done(*sitemap);
  EXPECT_FALSE(frontier.next(kT0));
  EXPECT_EQ(frontier.started(), 1u);
}

TEST(Frontier, ARedirectKeepsItsDepthAndExtendsTheChain) {
  FrontierLimits l = limits();
  l.max_depth = 1;
  Frontier frontier(l);
  frontier.add("http://a.com/old", 1);
  auto old = frontier.next(kT0);
  ASSERT_TRUE(old);
  EXPECT_EQ(frontier.add_redirect("http://a.com/new", *old), AddOutcome::kQueued);
  frontier.done(*old);
  auto target = frontier.next(kT0);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->depth, 1);
  EXPECT_EQ(target->redirect_chain, (std::vector<std::string>{"http://a.com/old"}));
}

}  // namespace
}  // namespace crawler
