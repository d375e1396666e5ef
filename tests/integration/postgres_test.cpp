// The PostgreSQL backend against a real server: a throwaway cluster
// (scripts/pg-cluster: initdb on a free 127.0.0.1 port, removed after the
// suite), one database per test. The same crawl lands in PostgreSQL as in
// SQLite; a resumed crawl fetches nothing twice; connections the server
// kills mid-crawl are re-established and nothing is lost.
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "crawler/commands.hpp"
#include "storage/postgres/pg.hpp"
#include "tests/integration/postgres_fixture.hpp"

namespace crawler {
namespace {

TEST_F(PostgresTest, ACrawlStoresInPostgresWhatTheSameCrawlStoresInSqlite) {
  TestServer server;
  write_seeds({server.url("/site/150/0")});
  std::string postgres = options_.db_path;
  options_.db_path = sqlite_path_;
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  auto in_sqlite = stored();
  options_.db_path = postgres;
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  auto in_postgres = stored();

  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "150");
  EXPECT_EQ(in_postgres, in_sqlite);
  expect_states_consistent();
  // Titles are in the full-text column, weighted above the text.
  EXPECT_EQ(scalar("SELECT url FROM pages WHERE search @@ to_tsquery('simple', 'page17')"
                   " ORDER BY ts_rank(search, to_tsquery('simple', 'page17')) DESC LIMIT 1"),
            server.url("/site/150/17"));
}

TEST_F(PostgresTest, AResumedCrawlFetchesWhatIsLeftAndNothingTwice) {
  TestServer server;
  write_seeds({server.url("/site/200/0")});
  options_.max_pages = 60;
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "60");
  options_.max_pages.reset();
  ASSERT_EQ(run_crawl_command(options_), kExitOk);

  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "200");
  expect_states_consistent();
  std::map<std::string, int> fetched;
  for (const auto& request : requests_for(server, "/site/")) ++fetched[request.target];
  EXPECT_EQ(fetched.size(), 200u);
  for (const auto& [target, times] : fetched) EXPECT_EQ(times, 1) << target;
}

TEST_F(PostgresTest, ConnectionsKilledMidCrawlAreReestablishedAndNothingIsLost) {
  TestServer server;
  write_seeds({server.url("/site/150/0")});
  options_.delay_ms = 20;  // one origin: about three seconds of crawling
  std::atomic<bool> done = false;
  std::atomic<int> killed = 0;
  std::thread killer([&] {
    storage::pg::Connection admin(options_.db_path);
    for (int i = 0; i < 200 && !done; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      try {
        if (admin.exec("SELECT count(*) FROM pages").int64(0, 0) < 40) continue;
      } catch (const storage::StorageError&) {
        continue;  // the crawl has not created its tables yet
      }
      auto result = admin.exec(
          "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
          " WHERE datname = current_database() AND pid <> pg_backend_pid()");
      killed = static_cast<int>(result.int64(0, 0));
      break;
    }
  });
  int exit_code = run_crawl_command(options_);
  done = true;
  killer.join();

  EXPECT_EQ(exit_code, kExitOk);
  EXPECT_GE(killed.load(), 1) << "the crawl ended before its connections were killed";
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "150");
  expect_states_consistent();
}

// Header values are bytes, not UTF-8, and PostgreSQL text takes neither
// invalid UTF-8 nor NUL: such a page is still stored with its content, its
// header-derived columns made valid text and its raw head kept byte for byte.
TEST_F(PostgresTest, APageWithHeadersThatAreNotUtf8IsStoredWithItsContent) {
  TestServer server;
  server.set_response("/latin1", {200,
                                  {{"Content-Type", "text/html; charset=\xe9"},
                                   {"ETag", "\"caf\xe9\""},
                                   {"Last-Modified", "Mon, 30 Nov 2026 \xff"}},
                                  "<title>Latin</title><p>zanzibar text</p>"});
  write_seeds({server.url("/latin1")});
  options_.keep_raw = true;
  ASSERT_EQ(run_crawl_command(options_), kExitOk);

  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE title = 'Latin' AND error IS NULL"), "1");
  EXPECT_EQ(scalar("SELECT etag FROM pages"), "\"caf\xef\xbf\xbd\"");  // U+FFFD
  EXPECT_EQ(scalar("SELECT position('\\x636166e9'::bytea IN head) > 0 FROM responses"), "t");
}

TEST_F(PostgresTest, ReadQueriesRunInAReadOnlyTransaction) {
  TestServer server;
  write_seeds({server.url("/site/10/0")});
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM url_states WHERE state = 'done'"), "10");
  EXPECT_THROW(rows("DELETE FROM pages"), storage::StorageError);
  EXPECT_THROW(rows("SELECT 1; DELETE FROM pages"), storage::StorageError);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "10");
}

// The commands that read SQLite only say so, and no message shows a password
// (trust authentication accepts any, so the URI below connects).
TEST_F(PostgresTest, CommandsThatReadSqliteOnlyRefuseAUriWithoutShowingItsPassword) {
  TestServer server;
  write_seeds({server.url("/site/10/0")});
  options_.db_path.insert(options_.db_path.find('@'), ":s3cret");
  ASSERT_EQ(run_crawl_command(options_), kExitOk);

  ::testing::internal::CaptureStderr();
  int stats = run_stats_command(options_.db_path);
  SearchOptions search;
  search.db_path = options_.db_path;
  search.query = "page1";
  int found = run_search_command(search);
  std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(stats, kExitUsage);
  EXPECT_EQ(found, kExitUsage);
  EXPECT_THAT(said, ::testing::HasSubstr("read SQLite files only"));
  EXPECT_THAT(said, ::testing::Not(::testing::HasSubstr("s3cret")));

  // No server there: the crawl does not start, and says where it looked.
  options_.db_path = "postgresql://crawler:s3cret@127.0.0.1:1/crawl";
  ::testing::internal::CaptureStderr();
  int crawl = run_crawl_command(options_);
  said = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(crawl, kExitUsage);
  EXPECT_THAT(said, ::testing::HasSubstr("postgresql://crawler:***@127.0.0.1:1/crawl"));
  EXPECT_THAT(said, ::testing::Not(::testing::HasSubstr("s3cret")));
}

}  // namespace
}  // namespace crawler
