// The access rules of serve's endpoint (docs/console.md, Access), called
// in-process: Host against DNS rebinding, X-Crawler-Action against
// cross-site posts, the token for actions and, when asked, for reads.
#include "crawler/service/service_endpoint.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "crawler/async/loop.hpp"
#include "crawler/engine/crawl_engine.hpp"
#include "crawler/service/console_api.hpp"
#include "crawler/service/console_history.hpp"
#include "crawler/service/console_log_api.hpp"
#include "crawler/service/console_origin_api.hpp"
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

  std::string options_for_test_db() const { return options().db_path; }

  // The answer to a GET read on the thread pool: the loop runs until it comes.
  async::HttpReply ask_pool(std::string path) {
    auto handler = service_handler(engine_, history_, loopback());
    async::HttpRequest request;
    request.method = "GET";
    auto question = path.find('?');
    request.path = path.substr(0, question);
    if (question != std::string::npos) request.query = path.substr(question + 1);
    std::optional<async::HttpReply> reply;
    handler(request, [&](async::HttpReply r) { reply = std::move(r); });
    for (int i = 0; i < 10'000 && !reply; ++i) uv_run(loop_.get(), UV_RUN_ONCE);
    if (!reply) throw std::logic_error("no answer to " + path);
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

// The overview names one state of the crawl: an engine with nothing queued
// is done, paused while paused, stopping once stopped.
TEST_F(ServiceEndpointTest, TheOverviewNamesTheCrawlsState) {
  const std::vector<std::pair<std::string, std::string>> action = {{"X-Crawler-Action", "1"}};
  auto state = [&] {
    auto reply = ask(loopback(), "GET", "/api/overview");
    EXPECT_EQ(reply.status, 200);
    return nlohmann::json::parse(reply.body)["state"].get<std::string>();
  };
  EXPECT_EQ(state(), "done");
  ask(loopback(), "POST", "/api/pause", action);
  EXPECT_EQ(state(), "paused");
  ask(loopback(), "POST", "/api/resume", action);
  EXPECT_EQ(state(), "done");
  engine_.stop();
  EXPECT_EQ(state(), "stopping");
}

// The backlog in the database is the writer's count, equal to the
// database's own once the writes are in.
TEST_F(ServiceEndpointTest, TheBacklogInTheDatabaseIsTheDatabasesQueuedCount) {
  const std::vector<std::pair<std::string, std::string>> action = {{"X-Crawler-Action", "1"}};
  ask(loopback(), "POST", "/api/pause", action);
  auto added = ask(loopback(), "POST", "/api/seeds", action,
                   "http://127.0.0.1:1/a\nhttp://127.0.0.1:1/b\nhttp://127.0.0.1:1/c\n");
  ASSERT_EQ(added.status, 200) << added.body;
  for (int i = 0; i < 10'000 && engine_.gauges().write_backlog > 0; ++i)
    uv_run(loop_.get(), UV_RUN_ONCE);
  ASSERT_EQ(engine_.gauges().write_backlog, 0u);
  auto overview = nlohmann::json::parse(ask(loopback(), "GET", "/api/overview").body);
  EXPECT_EQ(overview["gauges"]["queued_stored"], 3);
  EXPECT_EQ(overview["gauges"]["queued"], 3);
  std::int64_t counted = -1;
  storage::open_crawl_reader(options().db_path)
      ->run_query(
          "SELECT count(*) FROM urls WHERE state = 'queued'", [](const storage::QueryColumns&) {},
          [&](const std::vector<storage::Cell>& row) { counted = std::get<std::int64_t>(row[0]); });
  EXPECT_EQ(counted, 3);
}

TEST_F(ServiceEndpointTest, TheCrawlLogAnswersAsJsonAndJsonLinesAndRefusesABadFilter) {
  auto reply = ask(loopback(), "GET", "/api/log");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto body = nlohmann::json::parse(reply.body);
  EXPECT_TRUE(body["entries"].empty());
  EXPECT_EQ(body["last"], 0);
  auto lines = ask(loopback(), "GET", "/api/log?format=jsonl&class=4xx&origin=http://a");
  EXPECT_EQ(lines.status, 200);
  EXPECT_EQ(lines.content_type.rfind("application/x-ndjson", 0), 0u) << lines.content_type;
  EXPECT_EQ(ask(loopback(), "GET", "/api/log?class=6xx").status, 400);
  EXPECT_EQ(ask(loopback(), "GET", "/api/log?format=xml").status, 400);
  EXPECT_EQ(ask(loopback(), "GET", "/api/log?limit=0").status, 400);
  EXPECT_EQ(ask(loopback(), "POST", "/api/log", {{"X-Crawler-Action", "1"}}).status, 405);
}

// The log's filters: by origin, by status class (no response is "error"),
// by error kind, after a line already seen, the newest `limit`.
TEST(CrawlLogTest, FiltersByOriginClassErrorAndLineAndKeepsTheNewest) {
  FetchLog log;
  auto note = [&](std::string origin, std::string url, long status, std::string error) {
    storage::PageRecord r;
    r.url = std::move(url);
    r.status = status;
    r.error = std::move(error);
    r.fetched_at_ms = 1'700'000'000'000;
    log.note(origin, r);
  };
  note("http://a", "http://a/1", 200, "");
  note("http://b", "http://b/1", 404, "http_404");
  note("http://a", "http://a/2", 0, "timeout");
  note("http://a", "http://a/3", 200, "");
  auto urls = [&](LogFilter filter) {
    std::vector<std::string> out;
    nlohmann::json body = nlohmann::json::parse(log_json(log, filter));
    for (auto& e : body["entries"]) out.push_back(e["url"].get<std::string>());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(urls(*log_filter(0, "", "", "", 10)),
            (V{"http://a/1", "http://b/1", "http://a/2", "http://a/3"}));
  EXPECT_EQ(urls(*log_filter(0, "http://a", "", "", 10)),
            (V{"http://a/1", "http://a/2", "http://a/3"}));
  EXPECT_EQ(urls(*log_filter(0, "", "4xx", "", 10)), (V{"http://b/1"}));
  EXPECT_EQ(urls(*log_filter(0, "", "error", "", 10)), (V{"http://a/2"}));
  EXPECT_EQ(urls(*log_filter(0, "", "", "timeout", 10)), (V{"http://a/2"}));
  EXPECT_EQ(urls(*log_filter(2, "", "", "", 10)), (V{"http://a/2", "http://a/3"}));
  EXPECT_EQ(urls(*log_filter(0, "", "", "", 2)), (V{"http://a/2", "http://a/3"}));
  EXPECT_FALSE(log_filter(0, "", "2XX", "", 10));
  std::string lines = log_json_lines(log, *log_filter(0, "http://b", "", "", 10));
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 1);
  EXPECT_EQ(nlohmann::json::parse(lines)["error"], "http_404");
  EXPECT_EQ(nlohmann::json::parse(lines)["step"], "fetch");
  note("http://a", "http://a/r", 301, "");
  note("http://a", "http://a/d", 200, "robots_disallowed");
  nlohmann::json last = nlohmann::json::parse(log_json(log, *log_filter(4, "", "", "", 10)));
  ASSERT_EQ(last["entries"].size(), 2u);
  EXPECT_EQ(last["entries"][0]["step"], "redirect");
  EXPECT_EQ(last["entries"][1]["step"], "robots");
  EXPECT_EQ(nlohmann::json::parse(log_json(log, *log_filter(0, "", "", "", 1)))["last"], 6);
}

// Each order for an origin needs X-Crawler-Action (and does nothing
// without it), is applied at once, and is written to the database, so a
// restarted crawl keeps it.
TEST_F(ServiceEndpointTest, OriginOrdersNeedTheActionHeaderAndAreKeptInTheDatabase) {
  const std::vector<std::pair<std::string, std::string>> action = {{"X-Crawler-Action", "1"}};
  const std::string a = "/api/origin/pause?origin=http://a.test:8080";
  for (const char* path : {"/api/origin/pause?origin=http://a.test:8080",
                           "/api/origin/block?origin=http://a.test:8080",
                           "/api/origin/delay?origin=http://a.test:8080&delay=2",
                           "/api/origin/resume?origin=http://a.test:8080"}) {
    EXPECT_EQ(ask(loopback(), "POST", path).status, 403) << path;
    EXPECT_EQ(engine_.origin_controls().find("http://a.test:8080"), nullptr) << path;
  }
  auto paused = ask(loopback(), "POST", a, action);
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_TRUE(nlohmann::json::parse(paused.body)["order"]["paused"].get<bool>());
  EXPECT_TRUE(engine_.origin_controls().held("http://a.test:8080"));
  EXPECT_EQ(ask(loopback(), "POST", "/api/origin/delay?origin=http://a.test:8080&delay=1.5", action)
                .status,
            200);
  EXPECT_EQ(ask(loopback(), "POST", "/api/origin/resume?origin=http://a.test:8080", action).status,
            200);
  EXPECT_FALSE(engine_.origin_controls().held("http://a.test:8080"));
  EXPECT_EQ(ask(loopback(), "POST", "/api/origin/block?origin=http://b.test", action).status, 200);
  EXPECT_TRUE(engine_.origin_controls().blocked("http://b.test"));
  EXPECT_EQ(ask(loopback(), "POST", "/api/origin/resume?origin=http://b.test", action).status, 200);
  EXPECT_TRUE(engine_.origin_controls().held("http://b.test")) << "a block outlives a resume";

  for (int i = 0; i < 10'000 && engine_.gauges().write_backlog > 0; ++i)
    uv_run(loop_.get(), UV_RUN_ONCE);
  auto kept = store_.origin_controls();
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].origin, "http://a.test:8080");
  EXPECT_FALSE(kept[0].paused);
  EXPECT_EQ(kept[0].delay_ms, 1500);
  EXPECT_EQ(kept[1].origin, "http://b.test");
  EXPECT_TRUE(kept[1].blocked);

  // A crawl started on the same database holds them again.
  CrawlEngine restarted(loop_, options(), store_);
  restarted.restore_origin_controls(store_.origin_controls());
  EXPECT_TRUE(restarted.origin_controls().blocked("http://b.test"));
  EXPECT_FALSE(restarted.origin_controls().held("http://a.test:8080"));
}

TEST_F(ServiceEndpointTest, OriginOrdersRefuseWhatIsNotAnOriginOrADelay) {
  const std::vector<std::pair<std::string, std::string>> action = {{"X-Crawler-Action", "1"}};
  for (const char* path :
       {"/api/origin/pause", "/api/origin/pause?origin=http://a.test/page",
        "/api/origin/pause?origin=HTTP://a.test", "/api/origin/pause?origin=a.test",
        "/api/origin/delay?origin=http://a.test&delay=-1",
        "/api/origin/delay?origin=http://a.test&delay=soon"})
    EXPECT_EQ(ask(loopback(), "POST", path, action).status, 400) << path;
  EXPECT_TRUE(engine_.origin_controls().all().empty());
  EXPECT_EQ(ask(loopback(), "GET", "/api/origin/pause?origin=http://a.test").status, 405);
  EXPECT_EQ(ask(loopback(), "GET", "/api/origin?origin=nothing").status, 400);
  // Where a token is set, an order needs it too.
  EXPECT_EQ(ask(loopback("tok"), "POST", "/api/origin/block?origin=http://c.test", action).status,
            401);
  EXPECT_EQ(engine_.origin_controls().find("http://c.test"), nullptr);
  EXPECT_EQ(ask(loopback("tok"), "POST", "/api/origin/block?origin=http://c.test",
                {{"X-Crawler-Action", "1"}, {"Authorization", "Bearer tok"}})
                .status,
            200);
  EXPECT_TRUE(engine_.origin_controls().blocked("http://c.test"));
}

// The console's files go compressed to a browser that takes gzip, carry an
// ETag, and are not sent again while it matches; Chart.js is kept a day.
TEST_F(ServiceEndpointTest, ConsoleFilesAreCompressedAndRevalidatedByETag) {
  auto plain = ask(loopback(), "GET", "/console/chart.js");
  ASSERT_EQ(plain.status, 200);
  auto header = [](const async::HttpReply& reply, std::string_view name) {
    for (const auto& [key, value] : reply.headers)
      if (key == name) return value;
    return std::string();
  };
  EXPECT_EQ(header(plain, "Content-Encoding"), "");
  EXPECT_EQ(header(plain, "Cache-Control"), "public, max-age=86400");
  auto packed = ask(loopback(), "GET", "/console/chart.js", {{"Accept-Encoding", "gzip, br"}});
  EXPECT_EQ(header(packed, "Content-Encoding"), "gzip");
  EXPECT_LT(packed.body.size(), plain.body.size() / 2);
  ASSERT_GE(packed.body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(packed.body[0]), 0x1f);  // the gzip magic
  EXPECT_EQ(static_cast<unsigned char>(packed.body[1]), 0x8b);
  std::string etag = header(plain, "ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(header(packed, "ETag"), etag);
  auto again = ask(loopback(), "GET", "/console/chart.js", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(ask(loopback(), "GET", "/console/chart.js", {{"If-None-Match", "\"other\""}}).status,
            200);
  EXPECT_EQ(header(ask(loopback(), "GET", "/console/console.js"), "Cache-Control"), "no-cache");
}

// Any URL can be inspected: one never seen says so; a queued seed shows
// its row of the database once written.
TEST_F(ServiceEndpointTest, AnyUrlIsInspectableStoredOrNot) {
  auto unknown = ask_pool("/api/url?url=http://127.0.0.1:1/nothing");
  ASSERT_EQ(unknown.status, 200) << unknown.body;
  auto body = nlohmann::json::parse(unknown.body);
  EXPECT_EQ(body["seen"], "no");
  EXPECT_TRUE(body["skipped"].is_null());
  EXPECT_TRUE(body["stored"].is_null());
  ask(loopback(), "POST", "/api/seeds", {{"X-Crawler-Action", "1"}}, "http://127.0.0.1:1/a\n");
  for (int i = 0; i < 10'000 && engine_.gauges().write_backlog > 0; ++i)
    uv_run(loop_.get(), UV_RUN_ONCE);
  auto seed = nlohmann::json::parse(ask_pool("/api/url?url=http://127.0.0.1:1/a").body);
  EXPECT_EQ(seed["seen"], "yes");
  EXPECT_EQ(seed["stored"]["state"], "queued");
  EXPECT_EQ(seed["stored"]["source"], "seed");
  EXPECT_EQ(seed["stored"]["depth"], 0);
  EXPECT_EQ(ask(loopback(), "GET", "/api/url").status, 400);
}

// The effective configuration names each value's source and masks the token.
TEST_F(ServiceEndpointTest, TheConfigurationShowsSourcesAndMasksTheToken) {
  ServiceSettings settings = loopback("secret-token-123");
  settings.configuration = {{"serve.console_token", "\"secret-token-123\"", "environment"},
                            {"politeness.delay", "2.0", "flag"},
                            {"database", "\"whatever\"", "flag"}};
  auto reply = ask(settings, "GET", "/api/config", {{"Authorization", "Bearer secret-token-123"}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body.find("secret-token-123"), std::string::npos) << reply.body;
  auto options = nlohmann::json::parse(reply.body)["options"];
  ASSERT_EQ(options.size(), 3u);
  EXPECT_EQ(options[0]["value"], "\"***\"");
  EXPECT_EQ(options[0]["source"], "environment");
  EXPECT_TRUE(options[0]["secret"].get<bool>());
  EXPECT_EQ(options[1]["value"], "2.0");
  EXPECT_EQ(options[1]["source"], "flag");
  EXPECT_EQ(options[2]["value"], "\"" + options_for_test_db() + "\"");
}

// The seeds, listed with their state from the database.
TEST_F(ServiceEndpointTest, TheSeedsAreListedWithTheirState) {
  ask(loopback(), "POST", "/api/seeds", {{"X-Crawler-Action", "1"}},
      "http://127.0.0.1:1/b\nhttp://127.0.0.1:1/a\n");
  for (int i = 0; i < 10'000 && engine_.gauges().write_backlog > 0; ++i)
    uv_run(loop_.get(), UV_RUN_ONCE);
  auto reply = ask_pool("/api/seeds/list");
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto body = nlohmann::json::parse(reply.body);
  EXPECT_EQ(body["total"], 2);
  ASSERT_EQ(body["seeds"].size(), 2u);
  EXPECT_EQ(body["seeds"][0]["url"], "http://127.0.0.1:1/a");
  EXPECT_EQ(body["seeds"][0]["state"], "queued");
  EXPECT_EQ(ask(loopback(), "POST", "/api/seeds/list", {{"X-Crawler-Action", "1"}}).status, 405);
}

// Reads of the database run one at a time: a few more wait their turn
// (answered in order), and only past that is a read told to come back.
TEST_F(ServiceEndpointTest, DatabaseReadsWaitTheirTurnAndOnlyTooManyAre503) {
  auto handler = service_handler(engine_, history_, loopback());
  std::vector<std::optional<async::HttpReply>> replies(11);
  for (std::size_t i = 0; i < replies.size(); ++i) {
    async::HttpRequest request;
    request.method = "GET";
    request.path = "/api/url";
    request.query = "url=http://127.0.0.1:1/" + std::to_string(i);
    handler(request, [&replies, i](async::HttpReply r) { replies[i] = std::move(r); });
  }
  auto answered = [&] {
    return std::all_of(replies.begin(), replies.end(), [](const auto& r) { return r.has_value(); });
  };
  for (int i = 0; i < 10'000 && !answered(); ++i) uv_run(loop_.get(), UV_RUN_ONCE);
  ASSERT_TRUE(answered());
  for (std::size_t i = 0; i < 9; ++i) EXPECT_EQ(replies[i]->status, 200) << i;  // 1 + 8 waiting
  EXPECT_EQ(replies[9]->status, 503);
  EXPECT_EQ(replies[10]->status, 503);
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
