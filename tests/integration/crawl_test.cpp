// End-to-end crawls of the loopback test server: what lands in SQLite.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "crawler/async/loop.hpp"
#include "crawler/async/run.hpp"
#include "crawler/commands/commands.hpp"
#include "crawler/engine/crawl_engine.hpp"
#include "crawler/service/counter_table.hpp"
#include "crawler/service/progress.hpp"
#include "storage/crawl_reader.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "tests/integration/crawl_fixture.hpp"
#include "tests/integration/fetch_counts.hpp"
#include "tests/support/test_server.hpp"

namespace crawler {
namespace {

using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;

TEST_F(CrawlTest, AThousandPageSiteIsStoredCompletelyAndEachPageOnce) {
  TestServer server;
  options_.concurrency = 64;
  options_.per_host = 64;
  CrawlSummary summary = crawl_with_engine({server.url("/site/1000/0")});

  EXPECT_EQ(summary.pages, 1000u);
  EXPECT_EQ(summary.fetch_errors + summary.http_errors, 0u);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "1000");
  EXPECT_EQ(scalar("SELECT count(DISTINCT url) FROM pages"), "1000");
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE status = 200 AND title LIKE 'Page %'"),
            "1000");
  EXPECT_EQ(scalar("SELECT title FROM pages WHERE url = '" + server.url("/site/1000/999") + "'"),
            "Page 999");
  // Each page was fetched once, after one robots.txt request.
  EXPECT_EQ(requests_for(server, "/site/").size(), 1000u);
  EXPECT_EQ(requests_for(server, "/robots.txt").size(), 1u);
  // Page p sits at depth floor(log2(p + 1)).
  EXPECT_EQ(scalar("SELECT depth FROM pages WHERE url = '" + server.url("/site/1000/14") + "'"),
            "3");
  EXPECT_EQ(scalar("SELECT max(depth) FROM pages"), "9");
  EXPECT_EQ(
      scalar("SELECT count(*) FROM link_urls WHERE to_url = '" + server.url("/site/1000/0") + "'"),
      "1000");
  // Page p was found on its parent, (p - 1) / 2.
  EXPECT_EQ(scalar("SELECT p.url FROM urls u JOIN pages p ON p.id = u.found_on"
                   " WHERE u.source = 'link' AND u.url = '" +
                   server.url("/site/1000/14") + "'"),
            server.url("/site/1000/6"));
}

// Memory holds 100 queued URLs and 10 per host; the site's 1,000 pages go
// through the database and come back in windows, each fetched once.
TEST_F(CrawlTest, AFrontierLargerThanItsWindowGoesThroughTheDatabaseEachPageOnce) {
  TestServer server;
  options_.concurrency = 16;
  options_.per_host = 16;
  options_.frontier_memory_urls = 100;
  options_.host_window = 10;
  CrawlSummary summary = crawl_with_engine({server.url("/site/1000/0")});
  EXPECT_EQ(summary.pages, 1000u);
  EXPECT_EQ(scalar("SELECT count(DISTINCT url) FROM pages"), "1000");
  EXPECT_EQ(requests_for(server, "/site/").size(), 1000u);
  EXPECT_EQ(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "0");
  EXPECT_EQ(scalar("SELECT count(*) FROM urls WHERE state = 'done'"), "1000");
  // Refills come as the window empties, not in a loop: at most one per page.
  EXPECT_GT(summary.refills, 0u);
  EXPECT_LE(summary.refills, 1000u) << summary.refills;
}

// An origin the operator blocked in an earlier serve (an order kept in
// the database) is not fetched by a crawl, and the crawl still ends: its
// URLs stay queued for a later serve, the other origins are crawled whole.
TEST_F(CrawlTest, ACrawlEndsWithABlockedOriginsUrlsLeftQueuedAndNeverFetched) {
  TestServer server;
  std::string port = server.url("/").substr(server.url("/").rfind(':') + 1);
  port = port.substr(0, port.find('/'));
  options_.resolve = {"blocked.test:" + port + ":127.0.0.1"};
  std::string blocked = "http://blocked.test:" + port;
  storage::SqliteStore store(options_.db_path);
  async::Loop loop;
  CrawlSummary summary;
  {
    CrawlEngine engine(loop, options_, store);
    engine.restore_origin_controls({storage::OriginControl{blocked, false, true, -1, 1}});
    std::vector<std::string> seeds = {server.url("/site/50/0"), blocked + "/site/50/0"};
    store.queue(seeds, 0);
    summary = async::run_until_done(loop, engine.run(seeds));
  }
  EXPECT_EQ(loop.close(), 0);
  EXPECT_EQ(summary.pages, 50u);
  for (const auto& request : server.requests())
    EXPECT_NE(request.host_header, "blocked.test:" + port) << request.target;
  EXPECT_EQ(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "1");
}

// A seen test of 8 KiB is exact for the first 716 URLs only; past them
// every duplicate link is a doubt the database settles.
TEST_F(CrawlTest, PastTheSeenTestsMemoryTheDatabaseKeepsEachPageToOneFetch) {
  TestServer server;
  options_.concurrency = 16;
  options_.per_host = 16;
  options_.seen_memory_mb = 0;
  options_.frontier_memory_urls = 200;
  options_.host_window = 100;
  CrawlSummary summary = crawl_with_engine({server.url("/site/2000/0")});
  EXPECT_EQ(summary.pages, 2000u);
  EXPECT_EQ(summary.write_failures, 0u);
  EXPECT_EQ(scalar("SELECT count(DISTINCT url) FROM pages"), "2000");
  EXPECT_EQ(requests_for(server, "/site/").size(), 2000u);
  EXPECT_EQ(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "0");
}

// Memory is full before any host's window: spilled URLs belong to no host
// in memory, and walks over the hosts in the database find them.
TEST_F(CrawlTest, URLsSpilledPastMemoryAreFoundForEveryHost) {
  TestServer a("127.0.0.1"), b("127.0.0.2"), c("127.0.0.3");
  options_.concurrency = 12;
  options_.per_host = 4;
  options_.frontier_memory_urls = 20;
  CrawlSummary summary =
      crawl_with_engine({a.url("/site/300/0"), b.url("/site/300/0"), c.url("/site/300/0")});
  EXPECT_EQ(summary.pages, 900u);
  EXPECT_EQ(scalar("SELECT count(DISTINCT url) FROM pages"), "900");
  for (TestServer* server : {&a, &b, &c}) EXPECT_EQ(requests_for(*server, "/site/").size(), 300u);
  EXPECT_EQ(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "0");
}

TEST_F(CrawlTest, ProgressIsReportedWhileTheCrawlRuns) {
  TestServer server;
  std::vector<std::string> seeds;
  for (int i = 0; i < 6; ++i) seeds.push_back(server.url("/delay/60?i=" + std::to_string(i)));
  options_.per_host = 1;
  storage::SqliteStore store(options_.db_path);
  async::Loop loop;
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  {
    CrawlEngine engine(loop, options_, store);
    ProgressReporter progress(loop.get(), engine, out, 50);
    async::run_until_done(loop, engine.run(seeds));
  }
  EXPECT_EQ(loop.close(), 0);
  std::rewind(out);
  char line[256];
  int lines = 0;
  while (std::fgets(line, sizeof line, out)) {
    EXPECT_TRUE(std::string(line).starts_with("crawler: progress pages=")) << line;
    ++lines;
  }
  std::fclose(out);
  EXPECT_GE(lines, 3);  // 6 pages of at least 60 ms each, one at a time
}

TEST_F(CrawlTest, MaxDepthZeroFetchesTheSeedsOnly) {
  TestServer server;
  write_seeds({server.url("/site/100/0"), server.url("/site/100/50")});
  options_.max_depth = 0;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "2");
  EXPECT_EQ(requests_for(server, "/site/").size(), 2u);
}

TEST_F(CrawlTest, TheDepthLimitHolds) {
  TestServer server;
  write_seeds({server.url("/site/1000/0")});
  options_.max_depth = 3;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  // Depths 0..3 of a binary tree: 1 + 2 + 4 + 8 pages.
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "15");
  EXPECT_EQ(scalar("SELECT max(depth) FROM pages"), "3");
}

TEST_F(CrawlTest, ThePageLimitHolds) {
  TestServer server;
  write_seeds({server.url("/site/1000/0")});
  options_.max_pages = 25;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "25");
  EXPECT_EQ(requests_for(server, "/site/").size(), 25u);
}

// A bounded crawl's progress is its stored pages of --max-pages, for the
// console; a crawl without a bound has none.
TEST_F(CrawlTest, ABoundedCrawlsProgressIsItsStoredPagesOfTheBound) {
  TestServer server;
  storage::SqliteStore store(options_.db_path);
  async::Loop loop;
  {
    options_.max_pages = 7;
    CrawlEngine engine(loop, options_, store);
    auto before = engine.progress();
    ASSERT_TRUE(before.has_value());
    EXPECT_EQ(before->stored, 0u);
    async::run_until_done(loop, engine.run({server.url("/site/30/0")}));
    auto progress = engine.progress();
    ASSERT_TRUE(progress.has_value());
    EXPECT_EQ(progress->stored, 7u);
    EXPECT_EQ(progress->bound, 7u);
    EXPECT_FALSE(progress->fleet);
  }
  {
    options_.max_pages.reset();
    CrawlEngine engine(loop, options_, store);
    EXPECT_FALSE(engine.progress().has_value());
  }
  EXPECT_EQ(loop.close(), 0);
}

TEST_F(CrawlTest, ThePerHostCapHolds) {
  TestServer server;
  std::vector<std::string> seeds;
  for (int i = 0; i < 12; ++i) seeds.push_back(server.url("/delay/100?i=" + std::to_string(i)));
  write_seeds(seeds);
  options_.per_host = 3;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  // With at most 3 transfers at once, at most 3 connections were ever opened.
  std::set<std::uint64_t> connections;
  for (const auto& request : server.requests()) connections.insert(request.connection_id);
  EXPECT_LE(connections.size(), 3u);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE status = 200"), "12");
}

TEST_F(CrawlTest, FailuresAreRecordedOnTheUrlAndTheCrawlGoesOn) {
  TestServer server;
  int closed_port = 0;
  {
    TestServer gone;
    closed_port = gone.port();
  }
  std::string refused = "http://127.0.0.1:" + std::to_string(closed_port) + "/";
  write_seeds({server.url("/status/404"), server.url("/status/500"), server.url("/reset"),
               server.url("/truncated"), server.url("/image.png"), refused,
               server.url("/site/3/0")});
  options_.total_timeout_ms = 5000;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);

  auto error_of = [&](const std::string& url) {
    return scalar("SELECT coalesce(error, 'none') FROM pages WHERE url = '" + url + "'");
  };
  EXPECT_EQ(error_of(server.url("/status/404")), "http_404");
  EXPECT_EQ(error_of(server.url("/status/500")), "http_500");
  EXPECT_EQ(error_of(server.url("/reset")), "reset");
  EXPECT_EQ(error_of(server.url("/truncated")), "truncated");
  // A host that refuses connections cannot serve robots.txt either.
  EXPECT_EQ(error_of(refused), "robots_unreachable");
  EXPECT_THAT(scalar("SELECT error_detail FROM pages WHERE url = '" + refused + "'"),
              ::testing::HasSubstr("connect"));
  EXPECT_EQ(error_of(server.url("/image.png")), "none");
  EXPECT_EQ(scalar("SELECT content_type || ' ' || bytes || ' ' || coalesce(title, 'untitled')"
                   " FROM pages WHERE url = '" +
                   server.url("/image.png") + "'"),
            "image/png 320 untitled");
  // Transient failures were tried again: 1 + 2 retries.
  EXPECT_EQ(requests_for(server, "/status/500").size(), 3u);
  EXPECT_EQ(scalar("SELECT attempts FROM pages WHERE url = '" + server.url("/reset") + "'"), "3");
  EXPECT_EQ(requests_for(server, "/status/404").size(), 1u);
  // The site behind the failures was still crawled.
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE url LIKE '%/site/3/%'"), "3");
  // Each URL's state at a glance: 5 failed (404, 500, reset, truncated, refused), 4 done.
  EXPECT_EQ(scalar("SELECT group_concat(state || '=' || n) FROM (SELECT state, count(*) AS n"
                   " FROM url_states WHERE state <> 'linked' GROUP BY state ORDER BY state)"),
            "done=4,failed=5");
  EXPECT_EQ(scalar("SELECT attempts || ' ' || last_error FROM url_states WHERE url = '" +
                   server.url("/reset") + "'"),
            "3 reset");
}

// libcurl names no address for a connection that was never made: the page
// keeps the one its DNS step answered, which the fetch was sent to.
TEST_F(CrawlTest, APageWhoseServerRefusedTheConnectionKeepsTheAddressItWasSentTo) {
  int closed_port = 0;
  {
    TestServer gone;
    closed_port = gone.port();
  }
  std::string refused = "http://127.0.0.1:" + std::to_string(closed_port) + "/";
  write_seeds({refused});
  options_.obey_robots = false;
  options_.max_retries = 0;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT error || ' ' || coalesce(address, 'none') FROM pages WHERE url = '" +
                   refused + "'"),
            "connect 127.0.0.1");
}

TEST_F(CrawlTest, RelativeLinksAndBaseHrefResolveAsBrowsersDo) {
  TestServer server;
  write_seeds({server.url("/relative/index.html"), server.url("/relative/base.html")});
  options_.max_depth = 0;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  auto from_index = column("SELECT to_url FROM link_urls WHERE from_url = '" +
                           server.url("/relative/index.html") + "'");
  EXPECT_THAT(from_index,
              IsSupersetOf({server.url("/relative/a.html"), server.url("/relative/b.html"),
                            server.url("/up.html"), server.url("/relative/sub/c.html"),
                            server.url("/abs.html"), server.url("/relative/d.html"),
                            server.url("/relative/index.html?q=1"), server.url("/e.html"),
                            server.url("/relative/area.html")}));
  EXPECT_EQ(from_index.size(), 9u);  // mailto: and javascript: are dropped
  auto from_base = column("SELECT to_url FROM link_urls WHERE from_url = '" +
                          server.url("/relative/base.html") + "'");
  EXPECT_THAT(from_base,
              IsSupersetOf({server.url("/other/dir/x.html"), server.url("/other/y.html")}));
}

TEST_F(CrawlTest, WithJsonLogsEveryLineOnStderrIsAJsonObject) {
  TestServer server;
  write_seeds({server.url("/site/5/0"), "ftp://not.crawled/"});  // the second is warned about
  options_.max_pages = 3;  // and "stopped early" is not said: a limit is not a stop
  options_.log_format = "json";
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  std::string err = ::testing::internal::GetCapturedStderr();
  std::istringstream lines(err);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count)
    EXPECT_THAT(line, ::testing::MatchesRegex(R"(\{"time":"[^"]+","level":"[a-z]+","msg":.*\})"));
  EXPECT_GE(count, 1);
  EXPECT_THAT(err, ::testing::HasSubstr(R"("level":"warning")"));
  EXPECT_THAT(err, ::testing::HasSubstr("seeds.txt:2: "));
}

// A crawl whose every fetch failed says so: nothing stored with content,
// the failures by kind, and a hint; not just a count of pages.
TEST_F(CrawlTest, TheSummarySaysSoWhenNothingCouldBeFetched) {
  TestServer server;
  write_seeds({server.url("/status/404"), server.url("/status/503")});
  options_.max_retries = 0;
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  std::string out = ::testing::internal::GetCapturedStdout();
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, HasSubstr("stored: ok=0 failed=2 by kind: http_404=1 http_503=1\n"));
  EXPECT_THAT(err, HasSubstr("nothing could be fetched: all 2 page(s) failed (http_404=1 "
                             "http_503=1)"));
}

TEST_F(CrawlTest, TheSummaryCountsPagesStoredWithContentAndNoHintWhenSomeWere) {
  TestServer server;
  write_seeds({server.url("/site/3/0"), server.url("/status/404")});
  options_.max_retries = 0;
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  std::string out = ::testing::internal::GetCapturedStdout();
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(out, HasSubstr("stored: ok=3 failed=1 by kind: http_404=1\n"));
  EXPECT_THAT(err, Not(HasSubstr("nothing could be fetched")));
  // Every number the command prints is a row of the counter table (a map's
  // keys after "by kind:" or on the map's own line, named for it), or the
  // run's seconds and rate.
  std::set<std::string> names = {"seconds", "pages_per_second"};
  std::set<std::string> entry_lines;
  for (const Counter& row : counter_table()) {
    names.emplace(row.summary_name());
    if (row.by_label() && !row.summary_total) entry_lines.insert(std::string(row.summary_name()));
  }
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string word, prefix;
    bool any_key = false;
    for (bool first = true; words >> word; first = false) {
      if (first && word.ends_with(":")) {
        prefix = word.substr(0, word.size() - 1);
        any_key = entry_lines.contains(prefix);
      }
      if (word == "kind:") any_key = true;
      auto equals = word.find('=');
      if (equals != std::string::npos && !any_key) {
        EXPECT_TRUE(names.contains(word.substr(0, equals))) << word << " in: " << line;
      }
    }
  }
}

// A restarted crawl fetches while the earlier run's seen set still loads
// (one URL per chunk here, so loading spans the crawl): what was fetched is
// not fetched again, what was left is, each page once.
TEST_F(CrawlTest, AResumeWhileTheSeenSetLoadsFetchesNothingTwice) {
  TestServer server;
  write_seeds({server.url("/site/200/0")});
  options_.max_pages = 60;
  options_.concurrency = 4;
  options_.per_host = 4;
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  ASSERT_EQ(scalar("SELECT count(*) FROM pages"), "60");
  options_.max_pages.reset();
  {
    storage::SqliteStore store(options_.db_path);
    async::Loop loop;
    {
      CrawlEngine engine(loop, options_, store);
      ASSERT_TRUE(store.left_by_earlier_runs().queued);
      engine.load_seen(1);
      engine.resume_stored_urls();
      async::run_until_done(loop, engine.run({server.url("/site/200/0")}));
    }
    EXPECT_EQ(loop.close(), 0);
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "200");
  testing::expect_each_fetched_once(server.requests(), "/site/200/", 200);
  expect_states_consistent();
}

// The console's page view: the redirect chain through a URL from either
// end, links out and in, and nothing for a URL never stored.
TEST_F(CrawlTest, APageViewShowsTheRedirectChainAndTheLinksBothWays) {
  TestServer server;
  write_seeds({server.url("/redirect/3"), server.url("/site/3/0")});
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  std::vector<std::string> chain = {server.url("/redirect/3"), server.url("/redirect/2"),
                                    server.url("/redirect/1"), server.url("/redirect/0")};
  auto reader = this->reader();
  for (const std::string& url : {chain.front(), chain[2], chain.back()}) {
    auto view = reader->page_view(url, 10);
    ASSERT_TRUE(view) << url;
    EXPECT_EQ(view->redirects, chain) << url;
  }
  auto target = reader->page_view(chain.back(), 10);
  EXPECT_EQ(target->page.status, 200);
  EXPECT_EQ(target->page.title, "Redirect target");

  auto root = reader->page_view(server.url("/site/3/0"), 10);
  ASSERT_TRUE(root);
  EXPECT_EQ(root->links_out_total, 3);  // its two children and itself ("home")
  EXPECT_EQ(root->links_out.size(), 3u);
  EXPECT_EQ(root->links_in_total, 3);  // itself, and each child's "parent" and "home"
  auto limited = reader->page_view(server.url("/site/3/0"), 1);
  EXPECT_EQ(limited->links_out.size(), 1u);
  EXPECT_EQ(limited->links_out_total, 3);
  EXPECT_FALSE(reader->page_view(server.url("/never"), 10));
}

TEST_F(CrawlTest, AMissingSeedsFileIsAUsageError) {
  options_.seeds_path = (dir_ / "nope.txt").string();
  EXPECT_EQ(run_crawl_command(options_), kExitUsage);
}

TEST_F(CrawlTest, ADatabaseThatIsNotSqliteIsAUsageErrorAndIsLeftAlone) {
  TestServer server;
  write_seeds({server.url("/site/3/0")});
  std::ofstream(options_.db_path) << std::string(8192, 'x');
  EXPECT_EQ(run_crawl_command(options_), kExitUsage);
  EXPECT_EQ(std::filesystem::file_size(options_.db_path), 8192u);
  EXPECT_EQ(server.request_count(), 0u);
}

// An SQLite file whose inner pages are garbage: refused at start, naming it.
TEST_F(CrawlTest, ACorruptDatabaseIsAUsageErrorNamingTheFile) {
  TestServer server;
  write_seeds({server.url("/site/20/0")});
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  std::size_t requests = server.request_count();
  {
    std::fstream file(options_.db_path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(2 * 4096);
    file << std::string(8192, '\xde');
  }
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_crawl_command(options_), kExitUsage);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, ::testing::HasSubstr(options_.db_path));
  EXPECT_THAT(err, ::testing::HasSubstr("malformed"));
  EXPECT_EQ(server.request_count(), requests);
}

TEST_F(CrawlTest, AQueryThatWritesIsRefusedAndTheFileUntouched) {
  TestServer server;
  write_seeds({server.url("/site/3/0")});
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  QueryOptions query{"DELETE FROM pages", false};
  EXPECT_EQ(run_query_command(*reader(), query), kExitUsage);
  query.sql = "SELECT nonsense FROM";
  EXPECT_EQ(run_query_command(*reader(), query), kExitUsage);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "3");
}

}  // namespace
}  // namespace crawler
