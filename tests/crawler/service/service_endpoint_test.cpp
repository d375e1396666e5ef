// The access rules of serve's endpoint (docs/console.md, Access), called
// in-process: Host against DNS rebinding, X-Crawler-Action against
// cross-site posts, the token for actions and, when asked, for reads.
#include "crawler/service/service_endpoint.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "crawler/async/loop.hpp"
#include "crawler/engine/crawl_engine.hpp"
#include "crawler/service/console_history.hpp"
#include "storage/crawl_reader.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace crawler {
namespace {

class ServiceEndpointTest : public ::testing::Test {
 protected:
  ServiceEndpointTest()
      : dir_(std::filesystem::temp_directory_path() /
             ("service_endpoint_test_" + std::to_string(::getpid()))),
        store_((std::filesystem::create_directories(dir_), (dir_ / "crawl.db").string())),
        engine_(loop_, options(), store_),
        history_(loop_.get(), engine_) {}
  ~ServiceEndpointTest() override {
    // Seeds a test added are written on the pool, resumed by the loop: let
    // that end before the engine does, or its writer's task is left behind.
    for (int i = 0; i < 10'000 && engine_.gauges().write_backlog > 0; ++i)
      uv_run(loop_.get(), UV_RUN_ONCE);
    std::filesystem::remove_all(dir_);
  }

  config::CrawlOptions options() const {
    config::CrawlOptions o;
    o.db_path = (dir_ / "crawl.db").string();
    return o;
  }

  // The answer of a handler with `settings` to one request (answered at once).
  async::HttpReply ask(const ServiceSettings& settings, std::string method, std::string path,
                       std::vector<std::pair<std::string, std::string>> headers = {},
                       std::string body = "") {
    auto handler = service_handler(engine_, history_, settings);
    async::HttpRequest request;
    request.method = std::move(method);
    auto question = path.find('?');
    request.path = path.substr(0, question);
    if (question != std::string::npos) request.query = path.substr(question + 1);
    request.headers = std::move(headers);
    request.body = std::move(body);
    std::optional<async::HttpReply> reply;
    handler(request, [&](async::HttpReply r) { reply = std::move(r); });
    if (!reply) throw std::logic_error("no answer at once to " + path);
    return *reply;
  }

  ServiceSettings loopback(std::string token = "") {
    return {loop_.get(), storage::open_crawl_reader(options().db_path), std::move(token), false,
            true};
  }

  std::filesystem::path dir_;
  async::Loop loop_;
  storage::SqliteStore store_;
  CrawlEngine engine_;
  ConsoleHistory history_;
};

TEST_F(ServiceEndpointTest, OnLoopbackAnswersOnlyToALoopbackHost) {
  EXPECT_EQ(ask(loopback(), "GET", "/api/overview", {{"Host", "127.0.0.1:9090"}}).status, 200);
  EXPECT_EQ(ask(loopback(), "GET", "/api/overview", {{"Host", "localhost:9090"}}).status, 200);
  EXPECT_EQ(ask(loopback(), "GET", "/api/overview", {{"Host", "[::1]:9090"}}).status, 200);
  EXPECT_EQ(ask(loopback(), "GET", "/api/overview").status, 200);  // HTTP/1.0, no Host
  EXPECT_EQ(ask(loopback(), "GET", "/api/overview", {{"host", "rebound.example:9090"}}).status,
            403);
  EXPECT_EQ(ask(loopback(), "GET", "/", {{"Host", "rebound.example"}}).status, 403);
  EXPECT_EQ(ask(loopback(), "GET", "/", {{"Host", "127.0.0.1"}}).status, 200);
}

TEST_F(ServiceEndpointTest, ActionsNeedTheirHeaderAndThenPause) {
  EXPECT_EQ(ask(loopback(), "POST", "/api/pause").status, 403);
  EXPECT_FALSE(engine_.paused());
  auto reply = ask(loopback(), "POST", "/api/pause", {{"X-Crawler-Action", "1"}});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"paused":true})");
  EXPECT_TRUE(engine_.paused());
  ask(loopback(), "POST", "/api/resume", {{"X-Crawler-Action", "1"}});
  EXPECT_FALSE(engine_.paused());
  EXPECT_EQ(ask(loopback(), "POST", "/metrics").status, 405);
  EXPECT_EQ(ask(loopback(), "DELETE", "/api/pause").status, 405);
}

// Every action, not just pause: without X-Crawler-Action it is refused
// and does nothing; with it, it acts.
TEST_F(ServiceEndpointTest, EveryActionIsRefusedWithoutItsHeaderAndDoesNothing) {
  const std::string seed = "http://127.0.0.1:1/a\n";
  const std::vector<std::pair<std::string, std::string>> action = {{"X-Crawler-Action", "1"}};

  EXPECT_EQ(ask(loopback(), "POST", "/api/seeds", {}, seed).status, 403);
  auto added = ask(loopback(), "POST", "/api/seeds", action, seed);
  EXPECT_EQ(added.status, 200);
  EXPECT_NE(added.body.find(R"("added":1)"), std::string::npos)
      << "the refused post added the seed already: " << added.body;

  EXPECT_EQ(ask(loopback(), "POST", "/api/pause").status, 403);
  EXPECT_FALSE(engine_.paused());
  EXPECT_EQ(ask(loopback(), "POST", "/api/pause", action).status, 200);
  EXPECT_TRUE(engine_.paused());
  EXPECT_EQ(ask(loopback(), "POST", "/api/resume").status, 403);
  EXPECT_TRUE(engine_.paused());
  EXPECT_EQ(ask(loopback(), "POST", "/api/resume", action).status, 200);
  EXPECT_FALSE(engine_.paused());
}

// A known path asked with a method it does not take is 405 naming the ones
// it does (RFC 9110 15.5.6), not 404; an unknown path is still 404.
TEST_F(ServiceEndpointTest, AWrongMethodIs405WithAllow) {
  const std::vector<std::pair<std::string, std::string>> action = {{"X-Crawler-Action", "1"}};
  for (const char* path : {"/api/seeds", "/api/pause", "/api/resume"}) {
    for (const char* method : {"GET", "HEAD", "PUT"}) {
      auto reply = ask(loopback(), method, path, action);
      EXPECT_EQ(reply.status, 405) << method << " " << path;
      EXPECT_THAT(reply.headers,
                  ::testing::Contains(std::pair<std::string, std::string>("Allow", "POST")))
          << method << " " << path;
    }
  }
  EXPECT_FALSE(engine_.paused());
  for (const char* path : {"/api/overview", "/api/hosts", "/api/errors", "/api/search", "/api/page",
                           "/healthz", "/metrics", "/status", "/"}) {
    auto reply = ask(loopback(), "POST", path, action);
    EXPECT_EQ(reply.status, 405) << path;
    EXPECT_THAT(reply.headers,
                ::testing::Contains(std::pair<std::string, std::string>("Allow", "GET, HEAD")))
        << path;
  }
  EXPECT_EQ(ask(loopback(), "POST", "/api/nothing", action).status, 404);
}

TEST_F(ServiceEndpointTest, ATokenGuardsActionsAndReadsWhenAsked) {
  auto action = [&](const ServiceSettings& s, std::string authorization) {
    std::vector<std::pair<std::string, std::string>> headers = {{"X-Crawler-Action", "1"}};
    if (!authorization.empty()) headers.emplace_back("Authorization", authorization);
    return ask(s, "POST", "/api/resume", headers).status;
  };
  ServiceSettings guarded = loopback("s3cret");
  EXPECT_EQ(action(guarded, ""), 401);
  EXPECT_EQ(action(guarded, "Bearer s3cre"), 401);
  EXPECT_EQ(action(guarded, "Bearer s3cret2"), 401);
  EXPECT_EQ(action(guarded, "Basic s3cret"), 401);
  EXPECT_EQ(action(guarded, "Bearer s3cret"), 200);
  EXPECT_EQ(action(guarded, "bearer s3cret"), 200);
  EXPECT_EQ(ask(guarded, "GET", "/api/overview").status, 200);
  guarded.token_reads = true;
  EXPECT_EQ(ask(guarded, "GET", "/api/overview").status, 401);
  EXPECT_EQ(ask(guarded, "GET", "/api/overview", {{"Authorization", "Bearer s3cret"}}).status, 200);
  EXPECT_EQ(ask(guarded, "GET", "/healthz").status, 200);  // probes never need it
  EXPECT_EQ(ask(guarded, "GET", "/metrics").status, 200);
}

// Off loopback, a DNS-rebinding page reaches us by its own name: reads by
// name need the token; by address they are open unless token_reads says no.
TEST_F(ServiceEndpointTest, OffLoopbackAReadByNameNeedsTheToken) {
  ServiceSettings open = {loop_.get(), storage::open_crawl_reader(options().db_path), "s3cret",
                          false, false};
  EXPECT_EQ(ask(open, "GET", "/api/overview", {{"Host", "10.1.2.3:9090"}}).status, 200);
  EXPECT_EQ(ask(open, "GET", "/api/overview", {{"Host", "rebound.example:9090"}}).status, 401);
  EXPECT_EQ(ask(open, "GET", "/api/overview",
                {{"Host", "crawler.internal"}, {"Authorization", "Bearer s3cret"}})
                .status,
            200);
}

TEST_F(ServiceEndpointTest, BadParametersAreRefusedNamingThem) {
  auto reply = ask(loopback(), "GET", "/api/hosts?sort=bogus");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("sort"), std::string::npos) << reply.body;
  EXPECT_EQ(ask(loopback(), "GET", "/api/hosts?limit=0").status, 400);
  EXPECT_EQ(ask(loopback(), "GET", "/api/overview?since=soon").status, 400);
  EXPECT_EQ(ask(loopback(), "GET", "/api/search").status, 400);
  EXPECT_EQ(ask(loopback(), "GET", "/api/nothing").status, 404);
  EXPECT_EQ(ask(loopback(), "GET", "/nothing").status, 404);
}

TEST(ServiceAddressTest, TellsLoopbackAndAddressesFromNames) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.255.0.9"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("128.0.0.1"));
  EXPECT_FALSE(is_loopback_host("localhost.example"));
  EXPECT_TRUE(is_address("10.0.0.1"));
  EXPECT_TRUE(is_address("fd00::1"));
  EXPECT_FALSE(is_address("example.com"));
  EXPECT_EQ(split_listen("127.0.0.1:9090"), std::make_pair(std::string("127.0.0.1"), 9090));
  EXPECT_EQ(split_listen("[::1]:0"), std::make_pair(std::string("::1"), 0));
  EXPECT_THROW(split_listen("9090"), std::invalid_argument);
  EXPECT_THROW(split_listen("127.0.0.1:70000"), std::invalid_argument);
}

}  // namespace
}  // namespace crawler
