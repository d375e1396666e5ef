// RobotsCache against the loopback test server: one fetch per origin, files
// the crawl kept are used instead of the server, and memory stays bounded.
#include "crawler/admission/robots_cache.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crawler/async/task_scope.hpp"

#include "tests/crawler/async/co_test.hpp"
#include "tests/support/test_server.hpp"

namespace crawler {
namespace {

RequestBuilder requests_as(std::string agent) {
  config::CrawlOptions options;
  options.user_agent = std::move(agent);
  return RequestBuilder(options);
}

using async::Task;
using crawler::testing::TestServer;

std::size_t robots_requests(const TestServer& server) {
  std::size_t count = 0;
  for (const auto& request : server.requests()) count += request.target == "/robots.txt";
  return count;
}

CO_TEST(RobotsCache, KeepsAtMostItsOriginsAndFindsForgottenOnesInTheDatabase) {
  TestServer a("127.0.0.1"), b("127.0.0.2"), c("127.0.0.3");
  for (TestServer* server : {&a, &b, &c})
    server->set_response("/robots.txt", {200, {}, "User-agent: *\nDisallow: /private\n"});
  async::CurlMultiSet multis(loop.get(), 8);
  RobotsCacheOptions options;
  options.requests = requests_as("crawler-test");
  options.max_origins = 2;
  std::size_t lookups = 0;
  // The database kept b's file an hour ago; nothing else.
  std::string origin_b = b.url("");
  options.stored = [&](const std::string& origin) -> std::optional<StoredRobots> {
    ++lookups;
    if (origin != origin_b) return std::nullopt;
    return StoredRobots{true, "User-agent: *\nDisallow: /kept\n", std::chrono::hours(1)};
  };
  UrlFilter filter({});
  AdmissionGate gate(multis, filter, AddressPolicy({"127.0.0.0/8"}));
  RobotsCache cache(loop.get(), gate, options);

  RobotsOutcome first = co_await cache.rules_for(a.url(""));
  EXPECT_TRUE(first.fresh);
  EXPECT_EQ(first.body, "User-agent: *\nDisallow: /private\n");  // for the fetcher to keep
  RobotsOutcome again = co_await cache.rules_for(a.url(""));
  EXPECT_FALSE(again.fresh);
  EXPECT_TRUE(again.body.empty());  // the cache does not hold the text
  EXPECT_EQ(robots_requests(a), 1u);

  RobotsOutcome kept = co_await cache.rules_for(origin_b);
  EXPECT_FALSE(kept.fresh);
  EXPECT_FALSE(kept.rules->check("crawler-test", "/kept").allowed);
  EXPECT_EQ(robots_requests(b), 0u);

  co_await cache.rules_for(c.url(""));
  EXPECT_LE(cache.size(), 2u);
  // a was forgotten (least recently used) and the database has nothing: asked again.
  co_await cache.rules_for(a.url(""));
  EXPECT_EQ(robots_requests(a), 2u);
  EXPECT_LE(cache.size(), 2u);
  EXPECT_EQ(lookups, 4u);  // a, b, c, a: once per time an origin comes into memory
  multis.shutdown();
}

// A cache for a crawl seeded at `seed` alone, on its own transfers.
struct SeededCache {
  async::CurlMultiSet multis;
  UrlFilter filter{UrlFilterOptions{}};
  AdmissionGate gate{multis, filter, AddressPolicy()};
  RobotsCache cache;
  SeededCache(async::Loop& loop, const std::string& seed, RobotsCacheOptions options = {})
      : multis(loop.get(), 2), cache(loop.get(), gate, with_agent(std::move(options))) {
    gate.add_seed(seed);
  }
  ~SeededCache() { multis.shutdown(); }
  static RobotsCacheOptions with_agent(RobotsCacheOptions options) {
    options.requests = requests_as("crawler-test");
    return options;
  }
};

Task<void> ask(RobotsCache& cache, std::string origin, std::vector<RobotsOutcome>& out) {
  out.push_back(co_await cache.rules_for(std::move(origin)));
}

CO_TEST(RobotsCache, WaitersOfAFailedFetchShareItsOutcome) {
  TestServer site("127.0.0.1");
  site.set_response("/robots.txt", {503, {}, "busy"});
  RobotsCacheOptions options;
  options.unreachable_ttl = std::chrono::milliseconds(0);  // a failure is not remembered
  SeededCache robots(loop, site.url("/"), options);
  std::vector<RobotsOutcome> outcomes;
  async::TaskScope askers;
  for (int i = 0; i < 3; ++i) askers.spawn(ask(robots.cache, site.url(""), outcomes));
  co_await askers.join();
  EXPECT_EQ(outcomes.size(), 3u);
  for (const auto& outcome : outcomes) EXPECT_EQ(outcome.status, RobotsStatus::kUnreachable);
  EXPECT_EQ(robots_requests(site), 1u);
}

// RFC 9309 2.3.1.2: redirects are followed (five at most), each hop
// through the admission gate.
CO_TEST(RobotsCache, FollowsRedirectsThroughTheGate) {
  TestServer site("127.0.0.1");
  site.set_response("/robots.txt", {301, {{"Location", "/r1"}}, ""});
  site.set_response("/r1", {302, {{"Location", "/real-robots.txt"}}, ""});
  site.set_response("/real-robots.txt", {200, {}, "User-agent: *\nDisallow: /moved\n"});
  SeededCache robots(loop, site.url("/"));

  RobotsOutcome followed = co_await robots.cache.rules_for(site.url(""));
  EXPECT_EQ(followed.status, RobotsStatus::kParsed);
  EXPECT_FALSE(followed.rules->check("crawler-test", "/moved").allowed);
  EXPECT_EQ(site.request_count(), 3u);
}

CO_TEST(RobotsCache, ARedirectToAnInternalAddressIsNotFollowed) {
  TestServer site("127.0.0.1"), internal("127.0.0.2");
  site.set_response("/robots.txt", {302, {{"Location", internal.url("/robots.txt")}}, ""});
  internal.set_response("/robots.txt", {200, {}, "User-agent: *\nDisallow: /\n"});
  SeededCache robots(loop, site.url("/"));

  RobotsOutcome outcome = co_await robots.cache.rules_for(site.url(""));
  // Refused, so "unavailable" (RFC 9309): no rules, and nothing asked of 127.0.0.2.
  EXPECT_EQ(outcome.status, RobotsStatus::kAllowAll);
  EXPECT_EQ(internal.request_count(), 0u);
}

CO_TEST(RobotsCache, MoreThanFiveRedirectsMeanNoFile) {
  TestServer site("127.0.0.1");
  site.set_response("/robots.txt", {302, {{"Location", "/redirect/20"}}, ""});
  SeededCache robots(loop, site.url("/"));

  RobotsOutcome outcome = co_await robots.cache.rules_for(site.url(""));
  EXPECT_EQ(outcome.status, RobotsStatus::kAllowAll);
  EXPECT_EQ(site.request_count(), 6u);  // the file and five redirects, no more
}

}  // namespace
}  // namespace crawler
