// The crawler as a service: crash safety under SIGKILL, graceful SIGTERM,
// resume, one writer per database, readers during a crawl.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <thread>

#include "crawler/commands.hpp"
#include "storage/writer_lock.hpp"
#include "tests/integration/crawl_fixture.hpp"
#include "tests/integration/crawler_process.hpp"
#include "tests/support/test_server.hpp"

namespace crawler {
namespace {

using namespace std::chrono_literals;
using testing::CrawlerProcess;

std::vector<std::string> crawl_args(const config::CrawlOptions& options) {
  return {"crawl",      "--seeds", options.seeds_path, "--db", options.db_path, "--delay", "0",
          "--per-host", "4",       "--concurrency",    "8",    "--grace",       "5"};
}

TEST_F(CrawlTest, AResumedCrawlFetchesWhatIsLeftAndNothingTwice) {
  TestServer server;
  write_seeds({server.url("/site/100/0")});
  options_.max_pages = 30;
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "30");
  EXPECT_NE(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "0");

  options_.max_pages.reset();
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "100");
  EXPECT_EQ(scalar("SELECT count(DISTINCT url) FROM pages"), "100");
  EXPECT_EQ(requests_for(server, "/site/").size(), 100u);
  EXPECT_EQ(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "0");
}

TEST_F(CrawlTest, ASecondWriterIsRefusedNamingTheDatabase) {
  TestServer server;
  write_seeds({server.url("/site/3/0")});
  storage::WriterLock first(options_.db_path);
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_crawl_command(options_), kExitUsage);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, ::testing::HasSubstr(options_.db_path));
  EXPECT_THAT(err, ::testing::HasSubstr("in use"));
  EXPECT_EQ(server.request_count(), 0u);
}

TEST_F(CrawlTest, EveryPageIsStoredExactlyOnceAcrossRepeatedKills) {
  TestServer server;
  write_seeds({server.url("/site/1000/0")});
  std::random_device entropy;
  unsigned seed = entropy();
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> moment(20, 300);
  SCOPED_TRACE("kill moments seeded with " + std::to_string(seed));
  for (int kill = 0; kill < 5; ++kill) {
    CrawlerProcess crawl(crawl_args(options_));
    std::this_thread::sleep_for(std::chrono::milliseconds(moment(random)));
    crawl.signal(SIGKILL);
    ASSERT_TRUE(crawl.wait(10s)) << "the crawler did not die";
  }
  CrawlerProcess finish(crawl_args(options_));
  ASSERT_EQ(finish.wait(120s), 0);

  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE url LIKE '%/site/1000/%'"), "1000");
  EXPECT_EQ(scalar("SELECT count(DISTINCT url_id) FROM pages"),
            scalar("SELECT count(*) FROM pages"));
  EXPECT_EQ(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "0");
  // Every stored page's URL is done, and every done URL has its page.
  EXPECT_EQ(scalar("SELECT count(*) FROM urls u LEFT JOIN pages p ON p.url_id = u.id"
                   " WHERE u.state = 'done' AND p.id IS NULL"),
            "0");
  EXPECT_EQ(scalar("SELECT count(*) FROM pages p JOIN urls u ON u.id = p.url_id"
                   " WHERE u.state <> 'done'"),
            "0");
}

TEST_F(CrawlTest, SigtermExitsZeroWithinTheGracePeriodAndLosesNothing) {
  TestServer server;
  std::vector<std::string> seeds;
  for (int i = 0; i < 40; ++i) seeds.push_back(server.url("/delay/300?i=" + std::to_string(i)));
  write_seeds(seeds);
  CrawlerProcess crawl(crawl_args(options_));
  std::this_thread::sleep_for(500ms);
  auto signalled = std::chrono::steady_clock::now();
  crawl.signal(SIGTERM);
  EXPECT_EQ(crawl.wait(10s), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, 5s);
  // What was fetched is stored; the rest is still queued, none is lost.
  int stored = std::stoi(scalar("SELECT count(*) FROM pages"));
  int queued = std::stoi(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"));
  EXPECT_GT(stored, 0);
  EXPECT_EQ(stored + queued, 40);
  EXPECT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "40");
}

TEST_F(CrawlTest, ReadersWorkWhileACrawlWrites) {
  TestServer server;
  std::vector<std::string> seeds;
  for (int i = 0; i < 60; ++i) seeds.push_back(server.url("/delay/100?i=" + std::to_string(i)));
  write_seeds(seeds);
  CrawlerProcess crawl(crawl_args(options_));
  int reads = 0;
  for (int i = 0; i < 50 && !crawl.wait(20ms); ++i) {
    if (!std::filesystem::exists(options_.db_path)) continue;
    try {
      scalar("SELECT count(*) FROM pages");
      ++reads;
    } catch (const std::exception& e) {
      // The schema may not exist in the first milliseconds.
    }
  }
  EXPECT_EQ(crawl.wait(60s), 0);
  EXPECT_GT(reads, 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "60");
}

}  // namespace
}  // namespace crawler
