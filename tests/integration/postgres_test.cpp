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
#include "tests/integration/crawl_fixture.hpp"

namespace crawler {
namespace {

std::string run_script(const std::string& command) {
  std::string output;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  if (::pclose(pipe) != 0) output.clear();
  while (!output.empty() && std::isspace(static_cast<unsigned char>(output.back())))
    output.pop_back();
  return output;
}

class PostgresTest : public CrawlTest {
 protected:
  static void SetUpTestSuite() {
    cluster_dir_ =
        (std::filesystem::temp_directory_path() / ("pg_cluster_" + std::to_string(::getpid())))
            .string();
    admin_uri_ =
        run_script(std::string(CRAWLER_SOURCE_DIR) + "/scripts/pg-cluster start " + cluster_dir_);
  }
  static void TearDownTestSuite() {
    run_script(std::string(CRAWLER_SOURCE_DIR) + "/scripts/pg-cluster stop " + cluster_dir_);
  }

  void SetUp() override {
    CrawlTest::SetUp();
    ASSERT_FALSE(admin_uri_.empty()) << "scripts/pg-cluster could not start PostgreSQL";
    sqlite_path_ = options_.db_path;
    std::string name = "t_";
    for (char c : std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()))
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    name = name.substr(0, 60);
    storage::pg::Connection admin(admin_uri_);
    admin.exec("DROP DATABASE IF EXISTS " + name);
    admin.exec("CREATE DATABASE " + name);
    options_.db_path = admin_uri_.substr(0, admin_uri_.rfind('/') + 1) + name;
  }

  // What a crawl stored, as comparable rows.
  std::vector<std::vector<std::string>> stored() {
    auto pages = rows("SELECT url, status, title, depth, final_url FROM pages ORDER BY url");
    auto links = rows("SELECT from_url, to_url FROM link_urls ORDER BY from_url, to_url");
    auto states = rows("SELECT state, count(*) FROM url_states GROUP BY state ORDER BY state");
    pages.insert(pages.end(), links.begin(), links.end());
    pages.insert(pages.end(), states.begin(), states.end());
    return pages;
  }

  static inline std::string cluster_dir_;
  static inline std::string admin_uri_;
  std::string sqlite_path_;
};

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

TEST_F(PostgresTest, ReadQueriesRunInAReadOnlyTransaction) {
  TestServer server;
  write_seeds({server.url("/site/10/0")});
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM url_states WHERE state = 'done'"), "10");
  EXPECT_THROW(rows("DELETE FROM pages"), storage::StorageError);
  EXPECT_THROW(rows("SELECT 1; DELETE FROM pages"), storage::StorageError);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "10");
}

}  // namespace
}  // namespace crawler
