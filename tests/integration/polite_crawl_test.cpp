// Politeness and standards, end to end: robots.txt, delays, back-off,
// redirects, traps, meta robots, measured at the test servers.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>

#include <zlib.h>

#include "crawler/commands/commands.hpp"
#include "tests/integration/crawl_fixture.hpp"
#include "tests/support/test_server.hpp"

namespace crawler {
namespace {

using namespace std::chrono_literals;
using testing::CannedResponse;
using ::testing::HasSubstr;

CannedResponse html(std::string body,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  headers.emplace_back("Content-Type", "text/html");
  return {200, std::move(headers), std::move(body)};
}

TEST_F(CrawlTest, RobotsTxtDisallowIsObeyedAndRecordedWithItsRule) {
  TestServer server;
  server.set_response(
      "/robots.txt",
      {200, {}, "User-agent: *\nDisallow: /site/7/2\n\nUser-agent: other\nDisallow: /\n"});
  write_seeds({server.url("/site/7/0")});
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT error || ' ' || error_detail FROM pages WHERE url = '" +
                   server.url("/site/7/2") + "'"),
            "robots_disallowed robots.txt line 2: Disallow: /site/7/2");
  EXPECT_TRUE(requests_for(server, "/site/7/2").empty());
  // Pages 5 and 6 are reachable only through page 2.
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE error IS NULL"), "4");
  EXPECT_EQ(requests_for(server, "/robots.txt").size(), 1u);
}

TEST_F(CrawlTest, RobotsTxtWithA4xxAllowsEverything) {
  TestServer server;
  server.set_response("/robots.txt", {403, {}, "forbidden"});
  write_seeds({server.url("/site/7/0")});
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE status = 200"), "7");
}

TEST_F(CrawlTest, AnUnreachableRobotsTxtHoldsTheHostBackThenIsRecorded) {
  TestServer server;
  server.set_response("/robots.txt", {503, {}, "busy"});
  write_seeds({server.url("/site/7/0")});
  options_.max_retries = 2;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_TRUE(requests_for(server, "/site/").empty());
  EXPECT_EQ(scalar("SELECT error FROM pages"), "robots_unreachable");
  // Asked again after each wait: the first time and twice more.
  EXPECT_EQ(requests_for(server, "/robots.txt").size(), 3u);
}

TEST_F(CrawlTest, TheIgnoreRobotsOptionSkipsRobotsTxt) {
  TestServer server;
  server.set_response("/robots.txt", {200, {}, "User-agent: *\nDisallow: /\n"});
  write_seeds({server.url("/site/3/0")});
  options_.obey_robots = false;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE status = 200"), "3");
  EXPECT_TRUE(requests_for(server, "/robots.txt").empty());
}

TEST_F(CrawlTest, TheDelaySpacesTheStartsOfFetchesOnOneHost) {
  TestServer server;
  write_seeds({server.url("/site/5/0")});
  options_.per_host = 1;
  options_.delay_ms = 150;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  auto pages = requests_for(server, "/site/");
  ASSERT_EQ(pages.size(), 5u);
  // The server stamps arrivals: one late arrival shortens the gap after it
  // but lengthens the one before, so the whole span is what a loaded
  // machine cannot shrink (by more than the first arrival's lateness).
  EXPECT_GE(pages.back().at - pages.front().at, 4 * 150ms - 60ms);
  for (std::size_t i = 1; i < pages.size(); ++i)
    EXPECT_GT(pages[i].at - pages[i - 1].at, 50ms) << "between request " << i - 1 << " and " << i;
}

TEST_F(CrawlTest, ACrawlDelayInRobotsTxtSlowsTheHostDown) {
  TestServer server;
  server.set_response("/robots.txt", {200, {}, "User-agent: *\nCrawl-delay: 0.3\n"});
  write_seeds({server.url("/site/3/0")});
  options_.delay_ms = 0;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  auto pages = requests_for(server, "/site/");
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_GE(pages[2].at - pages[0].at, 2 * 300ms - 60ms);  // see the delay test above
}

TEST_F(CrawlTest, A429WithRetryAfterRestsThatHostWhileOthersGoOn) {
  TestServer limited("127.0.0.2");
  TestServer other("127.0.0.3");
  limited.set_response("/busy", {429, {{"Retry-After", "2"}}, "slow down"});
  write_seeds({limited.url("/busy"), limited.url("/site/3/0"), other.url("/site/15/0")});
  options_.per_host = 1;
  options_.max_retries = 1;
  options_.backoff_cap_ms = 5000;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);

  auto busy = requests_for(limited, "/busy");
  ASSERT_EQ(busy.size(), 2u);
  EXPECT_GE(busy[1].at - busy[0].at, 1900ms);
  for (const auto& request : requests_for(limited, "/site/"))
    EXPECT_GE(request.at - busy[0].at, 1900ms) << request.target;
  auto others = requests_for(other, "/site/");
  ASSERT_EQ(others.size(), 15u);
  EXPECT_LT(others.back().at - busy[0].at, 1900ms);  // the other host did not wait
  EXPECT_EQ(scalar("SELECT error || ' ' || attempts FROM pages WHERE url = '" +
                   limited.url("/busy") + "'"),
            "http_429 2");
}

// Many hosts in rotation, each fetched at its delay: a host's connection is
// reused only while the pool keeps it. With the pool as small as it goes
// (16 connections, at concurrency 2) and 24 hosts rotating, the hosts that
// came first keep theirs, and the others open new ones (libcurl alone would
// close the connection idle longest: the one needed next, every time). With
// --idle-connections above the rotation, each host is served on one.
TEST_F(CrawlTest, IdleConnectionsAboveTheRotationServeEachHostOnOneConnection) {
  // Connections each host was served on, fewest first.
  auto connections_per_host = [this](std::optional<std::size_t> idle) {
    std::vector<std::unique_ptr<TestServer>> servers;
    std::vector<std::string> seeds;
    for (int i = 1; i <= 24; ++i) {
      servers.push_back(std::make_unique<TestServer>("127.0.6." + std::to_string(i)));
      seeds.push_back(servers.back()->url("/site/3/0"));
    }
    write_seeds(seeds);
    options_.allow_addresses = {"127.0.0.0/8"};
    options_.concurrency = 2;
    options_.delay_ms = 100;
    options_.use_sitemaps = false;
    options_.idle_connections = idle;
    std::filesystem::remove(options_.db_path);
    EXPECT_EQ(run_crawl_command(options_), kExitOk);
    std::vector<std::size_t> counts;
    for (const auto& server : servers) {
      std::set<std::uint64_t> ids;
      for (const auto& request : server->requests()) ids.insert(request.connection_id);
      EXPECT_EQ(server->requests().size(), 4u) << "robots.txt and three pages";
      counts.push_back(ids.size());
    }
    std::sort(counts.begin(), counts.end());
    return counts;
  };
  auto small_pool = connections_per_host(std::nullopt);
  EXPECT_GT(small_pool.back(), 1u) << "the pool holds 16 of 24 hosts";
  // 16 kept, less the two in use at a time: at least 14 hosts on one.
  EXPECT_EQ(small_pool[13], 1u) << ::testing::PrintToString(small_pool);
  EXPECT_EQ(connections_per_host(64).back(), 1u);
}

TEST_F(CrawlTest, RedirectsAreFollowedHopByHopAndTheChainIsStored) {
  TestServer server;
  write_seeds({server.url("/redirect/2")});
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  auto row = [&](const std::string& path) {
    return scalar("SELECT status || ' ' || coalesce(redirect_to, '-') FROM pages WHERE url = '" +
                  server.url(path) + "'");
  };
  EXPECT_EQ(row("/redirect/2"), "302 " + server.url("/redirect/1"));
  EXPECT_EQ(row("/redirect/1"), "302 " + server.url("/redirect/0"));
  EXPECT_EQ(row("/redirect/0"), "200 -");
  // Where each URL was found: the seed list, then each redirect's page.
  auto found = [&](const std::string& path) {
    return scalar(
        "SELECT u.source || ' ' || coalesce(p.url, '-') FROM urls u"
        " LEFT JOIN pages p ON p.id = u.found_on WHERE u.url = '" +
        server.url(path) + "'");
  };
  EXPECT_EQ(found("/redirect/2"), "seed -");
  EXPECT_EQ(found("/redirect/1"), "redirect " + server.url("/redirect/2"));
  EXPECT_EQ(found("/redirect/0"), "redirect " + server.url("/redirect/1"));
  EXPECT_EQ(scalar("SELECT state || ' ' || source || ' ' || found_on || ' ' || attempts"
                   " FROM url_states WHERE url = '" +
                   server.url("/redirect/0") + "'"),
            "done redirect " + server.url("/redirect/1") + " 1");
}

TEST_F(CrawlTest, ARedirectLoopIsDetected) {
  TestServer server;
  write_seeds({server.url("/redirect-loop/a")});
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT error FROM pages WHERE url = '" + server.url("/redirect-loop/b") + "'"),
            "redirect_loop");
  EXPECT_EQ(requests_for(server, "/redirect-loop/").size(), 2u);
}

TEST_F(CrawlTest, ARedirectChainStopsAtTheHopLimit) {
  TestServer server;
  write_seeds({server.url("/redirect/20")});
  options_.max_redirects = 3;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "4");
  EXPECT_EQ(scalar("SELECT error FROM pages WHERE url = '" + server.url("/redirect/17") + "'"),
            "too_many_redirects");
}

TEST_F(CrawlTest, ALargeBodyIsCutAtTheCapAndMarked) {
  TestServer server;
  write_seeds({server.url("/big/100000")});
  options_.max_body_bytes = 1000;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT truncated || ' ' || coalesce(error, 'none') FROM pages"), "1 none");
}

TEST_F(CrawlTest, TrapsAreSkippedAndCountedByReason) {
  TestServer server;
  server.set_response("/trap.html", html("<a href='/cal/cal/cal/cal/x'>repeat</a>"
                                         "<a href='/a/b/c/d/e/f/g/h/i/j/k'>deep</a>"
                                         "<a href='/?a=1&b=2&c=3&d=4&e=5'>params</a>"
                                         "<a href='/" +
                                         std::string(300, 'x') +
                                         "'>long</a>"
                                         "<a href='http://elsewhere.test/'>out</a>"
                                         "<a href='/fine.html'>fine</a>"));
  write_seeds({server.url("/trap.html")});
  options_.max_repeated_segments = 2;
  options_.max_path_depth = 8;
  options_.max_query_params = 4;
  options_.max_url_length = 200;
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_THAT(out, HasSubstr("out_of_scope=1"));
  EXPECT_THAT(out, HasSubstr("path_too_deep=1"));
  EXPECT_THAT(out, HasSubstr("repeated_segments=1"));
  EXPECT_THAT(out, HasSubstr("too_many_params=1"));
  EXPECT_THAT(out, HasSubstr("url_too_long=1"));
  EXPECT_EQ(requests_for(server, "/fine.html").size(), 1u);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "2");
  // Skipped links are still part of the link graph, but for the one too
  // long to keep: the parser drops it before it reaches the writer.
  EXPECT_EQ(scalar("SELECT count(*) FROM links"), "5");
}

TEST_F(CrawlTest, MetaRobotsAndXRobotsTagAreObeyed) {
  TestServer server;
  server.set_response("/noindex.html",
                      html("<title>Secret</title><meta name=robots content=noindex>"
                           "<p>hidden text</p><a href='/a.html'>a</a>"));
  server.set_response("/nofollow.html",
                      html("<a href='/b.html'>b</a>", {{"X-Robots-Tag", "nofollow"}}));
  server.set_response("/rel.html",
                      html("<a rel=nofollow href='/c.html'>c</a><a href='/d.html'>d</a>"));
  for (const char* page : {"/a.html", "/b.html", "/c.html", "/d.html"})
    server.set_response(page, html("<title>leaf</title>"));
  write_seeds({server.url("/noindex.html"), server.url("/nofollow.html"), server.url("/rel.html")});
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT noindex || ' ' || coalesce(title, '-') || ' ' || coalesce(text, '-')"
                   " FROM pages WHERE url = '" +
                   server.url("/noindex.html") + "'"),
            "1 - -");
  EXPECT_EQ(requests_for(server, "/a.html").size(), 1u);  // noindex still follows
  EXPECT_TRUE(requests_for(server, "/b.html").empty());
  EXPECT_TRUE(requests_for(server, "/c.html").empty());
  EXPECT_EQ(requests_for(server, "/d.html").size(), 1u);
}

TEST_F(CrawlTest, TheCanonicalLinkIsStored) {
  TestServer server;
  server.set_response("/dup.html", html("<link rel=canonical href='/main.html'>"));
  write_seeds({server.url("/dup.html")});
  options_.max_depth = 0;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT canonical FROM pages"), server.url("/main.html"));
}

TEST_F(CrawlTest, PagesInLegacyEncodingsAreStoredAsUtf8) {
  TestServer server;
  auto page = [](const char* type, std::string title) {
    return CannedResponse{200, {{"Content-Type", type}}, "<title>" + title + "</title>"};
  };
  server.set_response("/1252.html", page("text/html; charset=windows-1252", "caf\xe9 \x80"));
  server.set_response("/latin2.html", page("text/html; charset=iso-8859-2", "\xb1"));
  server.set_response("/sjis.html", page("text/html; charset=Shift_JIS", "\x93\xfa\x96\x7b"));
  server.set_response("/gbk.html", page("text/html; charset=gb2312", "\xd6\xd0\xce\xc4"));
  server.set_response("/euckr.html", page("text/html; charset=euc-kr", "\xc7\xd1\xb1\xdb"));
  server.set_response("/meta.html", {200,
                                     {{"Content-Type", "text/html"}},
                                     "<meta charset=shift_jis><title>\x93\xfa\x96\x7b</title>"});
  write_seeds({server.url("/1252.html"), server.url("/latin2.html"), server.url("/sjis.html"),
               server.url("/gbk.html"), server.url("/euckr.html"), server.url("/meta.html")});
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  auto title = [&](const char* path) {
    return scalar("SELECT title FROM pages WHERE url = '" + server.url(path) + "'");
  };
  EXPECT_EQ(title("/1252.html"), "café €");
  EXPECT_EQ(title("/latin2.html"), "ą");
  EXPECT_EQ(title("/sjis.html"), "日本");
  EXPECT_EQ(title("/gbk.html"), "中文");
  EXPECT_EQ(title("/euckr.html"), "한글");
  EXPECT_EQ(title("/meta.html"), "日本");
}

TEST_F(CrawlTest, TheUserAgentNamesTheCrawler) {
  TestServer server;
  write_seeds({server.url("/site/1/0")});
  options_.user_agent = "examplebot/2.0 (+https://example.org/bot)";
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  auto requests = server.requests();
  ASSERT_FALSE(requests.empty());
  for (const auto& request : requests) EXPECT_EQ(request.user_agent, options_.user_agent);
}

std::string gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string urlset(const std::vector<std::string>& urls) {
  std::string xml =
      "<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>";
  for (const auto& url : urls) xml += "<url><loc>" + url + "</loc></url>";
  return xml + "</urlset>";
}

TEST_F(CrawlTest, SitemapsFromRobotsTxtIndexesAndGzipAddTheirUrls) {
  TestServer server;
  server.set_response("/robots.txt",
                      {200, {}, "Sitemap: " + server.url("/sitemap-index.xml") + "\n"});
  server.set_response("/sitemap-index.xml",
                      {200,
                       {},
                       "<sitemapindex><sitemap><loc>" + server.url("/plain.xml") +
                           "</loc></sitemap><sitemap><loc>" + server.url("/packed.xml.gz") +
                           "</loc></sitemap><sitemap><loc>" + server.url("/broken.xml") +
                           "</loc></sitemap><sitemap><loc>" + server.url("/sitemap-index.xml") +
                           "</loc></sitemap></sitemapindex>"});
  server.set_response("/plain.xml", {200, {}, urlset({server.url("/from-plain.html")})});
  server.set_response(
      "/packed.xml.gz",
      {200, {{"Content-Type", "application/gzip"}}, gzip(urlset({server.url("/from-gzip.html")}))});
  server.set_response("/broken.xml", {200,
                                      {},
                                      "<urlset><url><loc>" + server.url("/from-broken.html") +
                                          "</loc></url><url><loc>oops</urlset>"});
  for (const char* page : {"/from-plain.html", "/from-gzip.html", "/from-broken.html"})
    server.set_response(page, html("<title>listed</title>"));
  server.set_response("/start.html", html("no links"));
  write_seeds({server.url("/start.html")});
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE title = 'listed'"), "3");
  EXPECT_EQ(scalar("SELECT depth FROM pages WHERE url = '" + server.url("/from-gzip.html") + "'"),
            "1");
  EXPECT_EQ(requests_for(server, "/sitemap-index.xml").size(), 1u);  // the loop was not followed
}

TEST_F(CrawlTest, ACompressedResponseIsDecoded) {
  TestServer server;
  server.set_response("/packed.html",
                      {200,
                       {{"Content-Type", "text/html"}, {"Content-Encoding", "gzip"}},
                       gzip("<title>Unpacked</title><p>" + std::string(5000, 'x') + "</p>")});
  write_seeds({server.url("/packed.html")});
  options_.max_depth = 0;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT title || ' ' || bytes FROM pages"), "Unpacked 5030");
}

TEST_F(CrawlTest, WithoutARobotsTxtTheDefaultSitemapIsTried) {
  TestServer server;  // answers 404 for /robots.txt
  server.set_response("/sitemap.xml", {200, {}, urlset({server.url("/orphan.html")})});
  server.set_response("/orphan.html", html("<title>orphan</title>"));
  write_seeds({server.url("/site/1/0")});
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE title = 'orphan'"), "1");
}

TEST_F(CrawlTest, ARobotsTxtThatNamesNoSitemapIsTakenAtItsWord) {
  TestServer server;
  server.set_response("/robots.txt", {200, {}, "User-agent: *\nDisallow: /private/\n"});
  server.set_response("/sitemap.xml", {200, {}, urlset({server.url("/orphan.html")})});
  server.set_response("/orphan.html", html("<title>orphan</title>"));
  write_seeds({server.url("/site/1/0")});
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_TRUE(requests_for(server, "/sitemap.xml").empty());
  EXPECT_NE(scalar("SELECT count(*) FROM pages WHERE url LIKE '%/site/%'"), "0");
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE title = 'orphan'"), "0");
}

TEST_F(CrawlTest, SitemapUrlsAreQueuedDurablyForTheNextRun) {
  TestServer server;
  server.set_response(
      "/sitemap.xml",
      {200, {}, urlset({server.url("/listed-1.html"), server.url("/listed-2.html")})});
  for (const char* page : {"/listed-1.html", "/listed-2.html"})
    server.set_response(page, html("<title>listed</title>"));
  server.set_response("/start.html", html("no links"));
  write_seeds({server.url("/start.html")});
  options_.max_pages = 1;  // the seed only; the sitemap is read all the same
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM urls WHERE state = 'queued' AND url LIKE '%listed%'"
                   " AND source = 'sitemap' AND found_on IS NULL"),
            "2");
  options_.max_pages.reset();
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE title = 'listed'"), "2");
}

TEST_F(CrawlTest, SitemapsAreNotReadAtDepthZeroOrWhenTurnedOff) {
  TestServer server;
  server.set_response("/sitemap.xml", {200, {}, urlset({server.url("/orphan.html")})});
  write_seeds({server.url("/site/1/0")});
  options_.max_depth = 0;  // sitemaps on, but nothing past the seeds
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_TRUE(requests_for(server, "/sitemap.xml").empty());
  EXPECT_TRUE(requests_for(server, "/orphan.html").empty());

  remove_database();
  options_.max_depth.reset();
  options_.use_sitemaps = false;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_TRUE(requests_for(server, "/sitemap.xml").empty());
  EXPECT_TRUE(requests_for(server, "/orphan.html").empty());

  // And with both allowed, the same site's sitemap is read: the two
  // refusals above were the options', not the site's.
  remove_database();
  options_.use_sitemaps = true;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(requests_for(server, "/sitemap.xml").size(), 1u);
  EXPECT_EQ(requests_for(server, "/orphan.html").size(), 1u);
}

TEST(RobotsCommand, PrintsTheDecisionAndTheRuleForEachUrl) {
  auto path = std::filesystem::temp_directory_path() / ("robots_cmd_" + std::to_string(::getpid()));
  std::ofstream(path) << "User-agent: examplebot\nDisallow: /private\nAllow: /private/ok\n";
  RobotsOptions options{path.string(),
                        "examplebot/1.0",
                        {"https://a.com/private/x", "/private/ok/y", "https://a.com/public"}};
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run_robots_command(options), kExitOk);
  std::string out = ::testing::internal::GetCapturedStdout();
  std::filesystem::remove(path);
  EXPECT_EQ(out,
            "disallowed https://a.com/private/x (line 2: Disallow: /private)\n"
            "allowed /private/ok/y (line 3: Allow: /private/ok)\n"
            "allowed https://a.com/public\n");
}

TEST(RobotsCommand, AMissingFileIsAUsageError) {
  RobotsOptions options{"/nonexistent/robots.txt", "bot", {"/"}};
  EXPECT_EQ(run_robots_command(options), kExitUsage);
}

}  // namespace
}  // namespace crawler
