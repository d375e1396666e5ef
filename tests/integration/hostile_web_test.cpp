// The hostile web: origins that die beside live ones, links and redirects
// to internal addresses in every spelling, names that resolve inward,
// credentials in URLs, and the catalogue of misbehaving responses
// (tests/support/hostile_routes.hpp), each crawled against loopback servers
// with what lands in SQLite checked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "crawler/async/timer.hpp"
#include "crawler/service/metrics.hpp"
#include "crawler/service/progress.hpp"
#include "tests/integration/crawl_fixture.hpp"
#include "tests/integration/crawler_process.hpp"
#include "tests/integration/fetch_counts.hpp"
#include "tests/support/held_dead_port.hpp"
#include "tests/support/hostile_routes.hpp"

namespace crawler {
namespace {

using ::testing::HasSubstr;
using testing::HeldDeadPort;
using namespace std::chrono_literals;

testing::CannedResponse html(std::string body) {
  return {200, {{"Content-Type", "text/html; charset=utf-8"}}, std::move(body)};
}

// The stall found on a real site: pages of a live origin also link to a
// dead origin on the same host name. Its robots.txt is unreachable, so its
// URLs wait robots_retry_ms; the live origin's must not wait with them.
TEST_F(CrawlTest, ADeadOriginDoesNotStallALiveOneOnTheSameHost) {
  TestServer live;
  HeldDeadPort held;
  std::string dead = held.origin();
  std::string index = "<title>index</title>";
  for (int i = 0; i < 40; ++i) {
    index += "<a href='" + dead + "/d" + std::to_string(i) + "'>dead</a>";
    index += "<a href='/site/100/" + std::to_string(i) + "'>live</a>";
  }
  live.set_response("/", html(index));
  write_seeds({live.url("/")});
  options_.concurrency = 64;
  options_.per_host = 64;
  options_.robots_retry_ms = 4000;  // the dead origin's URLs come back after 4 s
  options_.max_retries = 1;
  options_.max_depth = 2;
  options_.allow_addresses = {"127.0.0.0/8"};  // as on the real site: both origins reachable
  auto started = std::chrono::steady_clock::now();
  CrawlSummary summary = crawl_with_engine({live.url("/")});

  EXPECT_EQ(summary.robots_unreachable, 40u);
  auto live_pages = requests_for(live, "/site/100/");
  ASSERT_GE(live_pages.size(), 40u);
  // Every live page was fetched long before the dead origin's retry was due.
  for (const auto& request : live_pages) EXPECT_LT(request.at - started, 2000ms) << request.target;
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE error = 'robots_unreachable'"), "40");
  // Counted at the server: robots.txt, the index and each live page once.
  testing::expect_none_fetched_twice(live.requests(), "/");
  expect_states_consistent();
}

// A live site whose index links a dead origin of its own host: `dead_urls`
// URLs there, beside `pages` live pages (/live/0 .. /live/pages-1).
void serve_site_linking_a_dead_origin(TestServer& live, const std::string& dead, int pages,
                                      int dead_urls) {
  std::string index = "<title>index</title>";
  for (int p = 0; p < pages; ++p) {
    index += "<a href='/live/" + std::to_string(p) + "'>live</a>";
    live.set_response("/live/" + std::to_string(p),
                      html("<title>live " + std::to_string(p) + "</title>"));
  }
  for (int d = 0; d < dead_urls; ++d)
    index += "<a href='" + dead + "/d" + std::to_string(d) + "'>x</a>";
  live.set_response("/", html(index));
}

// An origin whose robots.txt cannot be reached is asked again a few times,
// then given up: every URL of it queued, in memory or spilled to the
// database, is recorded as robots_unreachable at once, and the crawl ends
// (it used to retry each URL on its own, about 25 minutes for 500 URLs).
TEST_F(CrawlTest, ADeadOriginIsGivenUpAndTheCrawlEnds) {
  TestServer live;
  HeldDeadPort dead;
  constexpr int kPages = 20, kDeadUrls = 500;
  serve_site_linking_a_dead_origin(live, dead.origin(), kPages, kDeadUrls);
  write_seeds({live.url("/")});
  std::string log = (dir_ / "stderr.txt").string();
  testing::ChildSetup setup;
  setup.stderr_path = log;
  auto started = std::chrono::steady_clock::now();
  // A small window: most of the dead origin's URLs wait in the database.
  // A politeness delay: URLs settled one by one would take 100 s.
  testing::CrawlerProcess crawler(
      {"crawl", "--seeds", options_.seeds_path, "--db", options_.db_path, "--delay", "0.2",
       "--robots-retry", "0.5", "--retries", "2", "--allow-address", "127.0.0.0/8",
       "--frontier-memory", "100", "--host-window", "40", "--no-sitemaps"},
      setup);
  auto code = crawler.wait(60s);
  auto took = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(code) << "the crawl did not end within 60 s";
  EXPECT_EQ(*code, 0);
  // Three attempts half a second apart, beside the live site's 21 pages 0.2 s
  // apart: seconds, not minutes.
  EXPECT_LT(took, 20s);
  RecordProperty(
      "dead_origin_crawl_ms",
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));

  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE url LIKE '" + dead.origin() +
                   "/%' AND error = 'robots_unreachable'"),
            std::to_string(kDeadUrls));
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE url LIKE '" + dead.origin() + "/%'"),
            std::to_string(kDeadUrls));
  // Settled at once, not one politeness delay after another (that would
  // be 100 s): within 5 s, as the URLs spilled to the database are read
  // back window by window (over 1 s once, under ASan on a loaded machine).
  EXPECT_EQ(scalar("SELECT (julianday(max(fetched_at)) - julianday(min(fetched_at))) * 86400 < 5"
                   " FROM pages WHERE url LIKE '" +
                   dead.origin() + "/%'"),
            "1");
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE url LIKE '" + live.base_url() +
                   "/%' AND error IS NULL"),
            std::to_string(kPages + 1));
  // Each live page fetched once, and the index (counted at the server).
  testing::expect_each_fetched_once(live.requests(), "/live/", kPages);
  testing::expect_none_fetched_twice(live.requests(), "/");
  EXPECT_EQ(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "0");
  // `serve` comes back to them as to any page: a recrawl may reach them.
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE error = 'robots_unreachable'"
                   " AND next_visit_ms IS NULL"),
            "0");
  expect_states_consistent();

  std::ifstream in(log);
  std::string said((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(said, HasSubstr("robots.txt of " + dead.origin() + " unreachable"));
  EXPECT_THAT(said, HasSubstr("attempt 1 of 3: its URLs wait; asking again in"));
  EXPECT_THAT(said, HasSubstr("attempt 3 of 3: giving the origin up"));
}

// While an origin waits for its robots.txt, the progress line and /status
// say which origin, why, and when it is asked again.
TEST_F(CrawlTest, AnOriginWaitingForItsRobotsTxtIsReported) {
  TestServer live;
  HeldDeadPort dead;
  serve_site_linking_a_dead_origin(live, dead.origin(), 2, 10);
  options_.robots_retry_ms = 1500;
  options_.max_retries = 1;
  options_.allow_addresses = {"127.0.0.0/8"};
  storage::SqliteStore store(options_.db_path);
  async::Loop loop;
  std::string status, progress;
  std::size_t waiting_origins = 0;
  CrawlSummary summary;
  auto started = std::chrono::steady_clock::now();
  {
    CrawlEngine engine(loop, options_, store);
    async::Timer look(loop.get(), [&] {
      CrawlEngine::Gauges gauges = engine.gauges();
      waiting_origins = gauges.waiting_origins;
      status = status_json(engine.counters(), gauges);
      progress = waiting_text(gauges);
    });
    look.start(500ms);
    summary = async::run_until_done(loop, engine.run({live.url("/")}));
  }
  EXPECT_EQ(loop.close(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 20s);
  EXPECT_EQ(waiting_origins, 1u);
  EXPECT_THAT(status, HasSubstr("\"waiting\":[{\"origin\":\"" + dead.origin() +
                                "\",\"reason\":\"robots.txt unreachable: connect"));
  EXPECT_THAT(status, HasSubstr("\"attempts\":1,\"retry_in_seconds\":"));
  EXPECT_THAT(progress, HasSubstr("robots.txt of " + dead.origin() + " (connect"));
  EXPECT_THAT(progress, HasSubstr("attempt 1, again in "));
  EXPECT_EQ(summary.robots_unreachable, 10u);
}

// The sitemap budget is taken when a document is offered: an index of 100
// indexes, each naming 100 more, costs the origin its 64 documents, not the
// thousands its entries name.
TEST_F(CrawlTest, NestedSitemapIndexesAreBoundedByWhatIsOffered) {
  TestServer site;
  auto index_of = [](const std::vector<std::string>& locs) {
    std::string xml = "<?xml version='1.0'?><sitemapindex>";
    for (const auto& loc : locs) xml += "<sitemap><loc>" + loc + "</loc></sitemap>";
    return xml + "</sitemapindex>";
  };
  std::vector<std::string> children;
  for (int i = 0; i < 100; ++i) {
    std::string child = "/sm/" + std::to_string(i) + ".xml";
    children.push_back(site.url(child));
    std::vector<std::string> grandchildren;
    for (int j = 0; j < 100; ++j)
      grandchildren.push_back(
          site.url("/sm/" + std::to_string(i) + "/" + std::to_string(j) + ".xml"));
    site.set_response(child, {200, {}, index_of(grandchildren)});
  }
  site.set_response("/robots.txt", {200, {}, "Sitemap: " + site.url("/sm/index.xml") + "\n"});
  site.set_response("/sm/index.xml", {200, {}, index_of(children)});
  site.set_response("/", html("<title>home</title>"));
  options_.max_depth = 1;
  auto started = std::chrono::steady_clock::now();
  CrawlSummary summary = crawl_with_engine({site.url("/")});
  EXPECT_LT(std::chrono::steady_clock::now() - started, 20s);

  // Counted at the server: the index, and 63 of its children.
  EXPECT_EQ(requests_for(site, "/sm/").size(), 64u);
  EXPECT_EQ(summary.sitemaps, 64u);
  EXPECT_EQ(summary.skipped["sitemap_document_budget"], 37u + 63u * 100u);
}

// Seeded at one loopback origin, the crawl must not reach any other, however
// it is spelled, even with every link in scope.
TEST_F(CrawlTest, LinksToInternalAddressesInEverySpellingAreRefused) {
  TestServer site, other("127.0.0.2");
  std::string port = std::to_string(other.port());
  std::vector<std::string> spellings = {
      "http://127.0.0.2:" + port + "/dotted",
      "http://2130706434:" + port + "/decimal",
      "http://0x7f000002:" + port + "/hex",
      "http://0177.0.0.2:" + port + "/octal",
      "http://127.2:" + port + "/short",
      "http://[::ffff:127.0.0.2]:" + port + "/mapped",
      "http://[::1]:" + port + "/v6-loopback",
      "http://localhost:" + port + "/localhost",
      "http://LOCALHOST.:" + port + "/localhost-dot",
      "http://a.localhost:" + port + "/under-localhost",
      "http://127.0.0.1:" + port + "/seed-host-other-port",
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.5/admin",
      "http://[fd00::1]/ula",
      "http://100.64.0.1/cgnat",
      "http://0.0.0.0:" + port + "/unspecified",
  };
  std::string page = "<title>links</title>";
  for (const auto& url : spellings) page += "<a href='" + url + "'>x</a>";
  site.set_response("/", html(page));
  write_seeds({site.url("/")});
  options_.scope = "any";
  CrawlSummary summary = crawl_with_engine({site.url("/")});

  EXPECT_EQ(other.request_count(), 0u);
  EXPECT_EQ(summary.skipped["internal_address"], spellings.size());
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "1");
  EXPECT_EQ(scalar("SELECT count(*) FROM links"), std::to_string(spellings.size()));
}

TEST_F(CrawlTest, ARedirectToAnInternalAddressIsRecordedAsBlocked) {
  TestServer site, other("127.0.0.2");
  site.set_response("/", html("<a href='/jump'>jump</a>"));
  site.set_response("/jump", {302, {{"Location", other.url("/secret")}}, ""});
  write_seeds({site.url("/")});
  options_.scope = "any";
  crawl_with_engine({site.url("/")});

  EXPECT_EQ(other.request_count(), 0u);
  auto jump = rows("SELECT error, error_detail FROM pages WHERE url = '" + site.url("/jump") + "'");
  ASSERT_EQ(jump.size(), 1u);
  EXPECT_EQ(jump[0][0], "blocked");
  EXPECT_THAT(jump[0][1], HasSubstr("internal_address"));
  EXPECT_THAT(jump[0][1], HasSubstr(other.url("/secret")));
}

// DNS rebinding: the name looks harmless and resolves to an internal address.
// The check is on the address libcurl is about to connect to.
TEST_F(CrawlTest, ANameThatResolvesInwardIsRefusedAtConnectTime) {
  TestServer site, inner("127.0.0.2");
  std::string name = "rebind.test:" + std::to_string(inner.port());
  site.set_response("/", html("<a href='http://" + name + "/secret'>x</a>"));
  write_seeds({site.url("/")});
  options_.scope = "any";
  options_.resolve = {name + ":127.0.0.2"};
  crawl_with_engine({site.url("/")});

  EXPECT_EQ(inner.request_count(), 0u);
  auto secret =
      rows("SELECT error, error_detail FROM pages WHERE url = 'http://" + name + "/secret'");
  ASSERT_EQ(secret.size(), 1u);
  EXPECT_EQ(secret[0][0], "blocked");
  EXPECT_THAT(secret[0][1], HasSubstr("127.0.0.2 is a loopback address"));
}

TEST_F(CrawlTest, AnOperatorCanAllowInternalRanges) {
  TestServer site, inner("127.0.0.2");
  std::string name = "intranet.test:" + std::to_string(inner.port());
  site.set_response("/", html("<a href='http://" + name + "/page'>x</a>"));
  write_seeds({site.url("/")});
  options_.scope = "any";
  options_.resolve = {name + ":127.0.0.2"};
  options_.allow_addresses = {"127.0.0.2/32"};
  crawl_with_engine({site.url("/")});

  EXPECT_EQ(requests_for(inner, "/page").size(), 1u);
  EXPECT_EQ(scalar("SELECT status FROM pages WHERE url = 'http://" + name + "/page'"), "404");
}

// A seed given by name is not exempt: whoever owns the name could point
// it inward (at cloud metadata, say) at any time.
TEST_F(CrawlTest, ASeedGivenByNameMustResolveToAPublicAddress) {
  TestServer inner("127.0.0.2");
  std::string seed = "http://named-seed.test:" + std::to_string(inner.port()) + "/";
  write_seeds({seed});
  options_.resolve = {"named-seed.test:" + std::to_string(inner.port()) + ":127.0.0.2"};
  crawl_with_engine({seed});
  EXPECT_EQ(inner.request_count(), 0u);
  EXPECT_EQ(scalar("SELECT error FROM pages"), "blocked");

  remove_database();
  options_.allow_addresses = {"127.0.0.2"};
  crawl_with_engine({seed});
  EXPECT_GT(inner.request_count(), 0u);
  EXPECT_EQ(scalar("SELECT status FROM pages WHERE url = '" + seed + "'"), "404");
}

// A seed given by address is exempt at that address only: --resolve
// pointing its origin at another internal address does not carry the
// exemption along (issue 21); --allow-address does allow it.
TEST_F(CrawlTest, ResolveDoesNotCarryASeedsExemptionToAnotherAddress) {
  TestServer inner("127.0.0.2");
  std::string port = std::to_string(inner.port());
  std::string seed = "http://127.0.0.1:" + port + "/";
  write_seeds({seed});
  options_.resolve = {"127.0.0.1:" + port + ":127.0.0.2"};
  crawl_with_engine({seed});
  EXPECT_EQ(inner.request_count(), 0u);
  auto refused = rows("SELECT error, error_detail FROM pages WHERE url = '" + seed + "'");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0][0], "blocked");
  EXPECT_THAT(refused[0][1], HasSubstr("127.0.0.2 is a loopback address"));

  remove_database();
  options_.allow_addresses = {"127.0.0.2"};
  crawl_with_engine({seed});
  EXPECT_EQ(requests_for(inner, "/robots.txt").size(), 1u);
  EXPECT_EQ(scalar("SELECT status FROM pages WHERE url = '" + seed + "'"), "404");
}

// Include patterns choose the pages followed; the operator's seeds, and the
// sitemaps that list pages, are not refused by them.
TEST_F(CrawlTest, IncludePatternsDoNotRefuseSeedsOrSitemaps) {
  TestServer site;
  site.set_response("/robots.txt", {200, {}, "Sitemap: " + site.url("/sitemap.xml") + "\n"});
  site.set_response("/sitemap.xml",
                    {200,
                     {{"Content-Type", "application/xml"}},
                     "<urlset><url><loc>" + site.url("/docs/a") + "</loc></url><url><loc>" +
                         site.url("/blog/b") + "</loc></url></urlset>"});
  site.set_response("/", html("<a href='/docs/c'>c</a><a href='/blog/d'>d</a>"));
  write_seeds({site.url("/")});
  options_.include = {"/docs/"};
  crawl_with_engine({site.url("/")});

  EXPECT_EQ(requests_for(site, "/sitemap.xml").size(), 1u);
  EXPECT_EQ(column("SELECT url FROM pages ORDER BY url"),
            (std::vector<std::string>{site.url("/"), site.url("/docs/a"), site.url("/docs/c")}));
}

// Proxy variables would put a proxy between the connect check and the
// server: they are ignored.
TEST_F(CrawlTest, ProxyVariablesInTheEnvironmentAreIgnored) {
  TestServer site;
  write_seeds({site.url("/site/3/0")});
  ::setenv("http_proxy", "http://127.0.0.1:1", 1);
  ::setenv("ALL_PROXY", "http://127.0.0.1:1", 1);
  crawl_with_engine({site.url("/site/3/0")});
  ::unsetenv("http_proxy");
  ::unsetenv("ALL_PROXY");
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE status = 200"), "3");
}

// One page listing many ports of one host must not make the crawl a port
// scanner: a host name gets kMaxOriginsPerHost origins.
TEST_F(CrawlTest, AHostNameGetsABoundedNumberOfOrigins) {
  TestServer site;
  std::string page;
  for (int port = 20000; port < 20100; ++port)
    page += "<a href='http://127.0.0.1:" + std::to_string(port) + "/'>p</a>";
  site.set_response("/", html(page));
  write_seeds({site.url("/")});
  options_.allow_addresses = {"127.0.0.0/8"};
  options_.max_depth = 1;
  options_.max_retries = 0;  // nothing listens on those ports
  CrawlSummary summary = crawl_with_engine({site.url("/")});
  // The seed's own origin is one of the host's sixteen.
  EXPECT_EQ(summary.skipped["too_many_origins"], 100u - (kMaxOriginsPerHost - 1));
}

TEST_F(CrawlTest, CredentialsInALinkAreDroppedAndMakeNoNewPage) {
  TestServer site;
  std::string with_user = "http://user:secret@" + site.url("/a").substr(7);
  site.set_response("/", html("<a href='" + with_user + "'>1</a><a href='/a'>2</a>"));
  write_seeds({site.url("/")});
  crawl_with_engine({site.url("/")});

  EXPECT_EQ(requests_for(site, "/a").size(), 1u);
  EXPECT_EQ(scalar("SELECT count(*) FROM urls WHERE url LIKE '%secret%'"), "0");
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "2");
}

TEST_F(CrawlTest, ASitemapThatRedirectsInwardIsNotRead) {
  TestServer site, inner("127.0.0.2");
  site.set_response("/robots.txt", {200, {}, "Sitemap: " + site.url("/sitemap.xml") + "\n"});
  site.set_response("/sitemap.xml", {301, {{"Location", inner.url("/sitemap.xml")}}, ""});
  inner.set_response("/sitemap.xml",
                     {200,
                      {{"Content-Type", "application/xml"}},
                      "<urlset><url><loc>" + site.url("/hidden") + "</loc></url></urlset>"});
  write_seeds({site.url("/")});
  options_.scope = "any";
  crawl_with_engine({site.url("/")});

  EXPECT_EQ(requests_for(site, "/sitemap.xml").size(), 1u);
  EXPECT_EQ(inner.request_count(), 0u);
  EXPECT_EQ(requests_for(site, "/hidden").size(), 0u);
}

TEST_F(CrawlTest, APageOfAMillionLinksKeepsItsCapAndCountsTheRest) {
  TestServer site;
  write_seeds({site.url("/hostile/million-links")});
  options_.max_depth = 0;
  options_.max_links_per_page = 5000;
  crawl_with_engine({site.url("/hostile/million-links")});

  // Counted among what was parsed: the first 2 MiB of HTML (HtmlLimits).
  EXPECT_GT(std::stoi(scalar("SELECT links_dropped FROM pages")), 50'000);
  EXPECT_EQ(scalar("SELECT count(*) FROM links"), "5000");
}

// sitemaps.org allows 50,000 URLs per file: the rest of a 500,000-entry
// sitemap is not read.
TEST_F(CrawlTest, AHugeSitemapIsReadUpToTheProtocolsLimit) {
  TestServer site;
  std::string body = "<urlset>";
  for (int i = 0; i < 500'000; ++i) body += "<url><loc>/s/" + std::to_string(i) + "</loc></url>";
  body += "</urlset>";
  site.set_response("/robots.txt", {200, {}, "Sitemap: " + site.url("/big.xml") + "\n"});
  site.set_response("/big.xml", {200, {{"Content-Type", "application/xml"}}, std::move(body)});
  write_seeds({site.url("/")});
  options_.max_pages = 1;  // the seed: the sitemap's URLs stay queued
  CrawlSummary summary = crawl_with_engine({site.url("/")});

  EXPECT_EQ(summary.sitemap_urls, 50'000u);
  EXPECT_EQ(scalar("SELECT count(*) FROM urls WHERE source = 'sitemap'"), "50000");
}

// The whole catalogue, crawled by the real executable with the default
// limits: it ends by itself, every entry is recorded, and memory stays bounded.
TEST_F(CrawlTest, TheHostileCatalogueIsCrawledWithBoundedMemory) {
  TestServer site;
  write_seeds({site.url("/hostile/")});
  // No retries: each drip takes the low-speed limit (30 s) to end, and
  // would take it three times over with the default two retries.
  testing::CrawlerProcess crawler({"crawl", "--seeds", options_.seeds_path, "--db",
                                   options_.db_path, "--delay", "0", "--per-host", "8",
                                   "--max-depth", "1", "--no-sitemaps", "--retries", "0"});
  auto code = crawler.wait(120s);
  ASSERT_TRUE(code) << "the crawl did not end by itself";
  EXPECT_EQ(*code, 0);
#if defined(__SANITIZE_ADDRESS__)
  constexpr long kBoundKb = 1200 * 1024;  // ASan's shadow and quarantine come on top
#else
  constexpr long kBoundKb = 300 * 1024;
#endif
  EXPECT_LT(crawler.max_rss_kb(), kBoundKb);
  RecordProperty("crawler_max_rss_kb", std::to_string(crawler.max_rss_kb()));

  auto outcome = [&](std::string_view path) {
    auto found = rows(
        "SELECT coalesce(error, 'none'), truncated, links_dropped FROM pages"
        " WHERE url = '" +
        site.url(path) + "'");
    return found.empty() ? std::string("missing")
                         : found[0][0] + " truncated=" + found[0][1] + " dropped=" + found[0][2];
  };
  EXPECT_EQ(outcome("/hostile/endless"), "none truncated=1 dropped=0");
  EXPECT_THAT(outcome("/hostile/drip-body"), HasSubstr("timeout"));
  EXPECT_THAT(outcome("/hostile/drip-headers"), HasSubstr("timeout"));
  // Decoded zeros, cut at the body cap: binary, not parsed.
  EXPECT_EQ(outcome("/hostile/gzip-bomb"), "binary truncated=1 dropped=0");
  EXPECT_EQ(outcome("/hostile/deflate-bomb"), "binary truncated=1 dropped=0");
  EXPECT_EQ(outcome("/hostile/many-headers"), "head_too_large truncated=0 dropped=0");
  EXPECT_THAT(outcome("/hostile/huge-header"), ::testing::Not(HasSubstr("none")));
  EXPECT_THAT(outcome("/hostile/million-links"), HasSubstr("none truncated=1 dropped="));
  EXPECT_EQ(outcome("/hostile/deep-nesting"), "none truncated=0 dropped=0");
  EXPECT_EQ(outcome("/hostile/bad-chunked"), "reset truncated=0 dropped=0");  // curl's RECV_ERROR
  EXPECT_THAT(outcome("/hostile/reset-mid-body"),
              ::testing::AnyOf(HasSubstr("reset"), HasSubstr("truncated ")));
  EXPECT_EQ(outcome("/hostile/short-body"), "truncated truncated=0 dropped=0");
  EXPECT_EQ(outcome("/hostile/redirect-loop"), "redirect_loop truncated=0 dropped=0");
  EXPECT_EQ(outcome("/hostile/bad-charset"), "none truncated=0 dropped=0");
  EXPECT_EQ(outcome("/hostile/binary"), "binary truncated=0 dropped=0");
  EXPECT_THAT(outcome("/hostile/http09"), ::testing::Not(HasSubstr("none")));
  EXPECT_EQ(outcome("/hostile/internal-redirect"), "blocked truncated=0 dropped=0");
  // Parse bombs: each parsed within its budget (else it would say parse_budget).
  EXPECT_EQ(outcome("/hostile/unmatched-end-tags"), "none truncated=0 dropped=0");
  EXPECT_EQ(outcome("/hostile/adoption-agency"), "none truncated=0 dropped=0");
  EXPECT_EQ(outcome("/hostile/many-attributes"), "none truncated=0 dropped=0");
  EXPECT_EQ(scalar("SELECT count(*) FROM link_urls WHERE to_url LIKE '%/after-attributes'"), "1");
  // Nothing is lost: every entry has its record, and the text kept is bounded.
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"),
            std::to_string(testing::hostile_catalogue().size() + 1));
  EXPECT_EQ(scalar("SELECT max(length(text)) <= 512 * 1024 FROM pages"), "1");
}

}  // namespace
}  // namespace crawler
