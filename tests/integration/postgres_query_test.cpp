// `crawler query` on PostgreSQL is read-only even on a superuser's
// connection (the test cluster's role `crawler` is one, as initdb -U makes
// it): every way out tried in issue 21 is refused with exit 2 and leaves no
// trace (no file, no program run, no backend signalled, no row changed),
// while an ordinary SELECT over the crawl still answers. Without the reader
// role, query refuses and says what to run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "crawler/commands/commands.hpp"
#include "storage/postgres/pg.hpp"
#include "storage/postgres/pg_schema.hpp"
#include "tests/integration/crawler_process.hpp"
#include "tests/integration/postgres_fixture.hpp"

namespace crawler {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PostgresQueryTest : public PostgresTest {
 protected:
  struct Outcome {
    int exit = -1;
    std::string out, err;
  };

  // run_query_command, as `crawler query --db URI --json SQL` runs it.
  Outcome query(const std::string& sql, const std::string& db, double timeout = 300) {
    QueryOptions q{sql, true, timeout};
    Outcome outcome;
    ::testing::internal::CaptureStdout();
    ::testing::internal::CaptureStderr();
    outcome.exit = run_on_reader("query", db, [&](const storage::CrawlReader& reader) {
      return run_query_command(reader, q);
    });
    outcome.out = ::testing::internal::GetCapturedStdout();
    outcome.err = ::testing::internal::GetCapturedStderr();
    return outcome;
  }
  Outcome query(const std::string& sql) { return query(sql, options_.db_path); }

  void crawl_three_pages(TestServer& server) {
    write_seeds({server.url("/site/3/0")});
    ASSERT_EQ(run_crawl_command(options_), kExitOk);
  }

  // A path the server (user nobody, when the tests run as root) could write.
  std::string server_writable_path(const std::string& what) {
    std::string path = "/tmp/crawler_query_escape_" + std::to_string(::getpid()) + "_" + what;
    std::filesystem::remove(path);
    return path;
  }

  std::string uri_as(const std::string& user) {
    std::string uri = options_.db_path;
    return "postgresql://" + user + uri.substr(uri.find('@'));
  }
};

TEST_F(PostgresQueryTest, AnOrdinarySelectOverTheCrawlAnswersOnASuperusersConnection) {
  TestServer server;
  crawl_three_pages(server);
  storage::pg::Connection admin(options_.db_path);
  ASSERT_EQ(admin.exec("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").text(0, 0),
            "t");
  Outcome counted = query(
      "SELECT status, count(*) AS n FROM pages p JOIN urls u ON u.id = p.url_id GROUP BY status");
  EXPECT_EQ(counted.exit, kExitOk) << counted.err;
  EXPECT_EQ(counted.out, "{\"status\":200,\"n\":3}\n");
  Outcome typed = query("SELECT 1::int8 AS i, 2.5::float8 AS f, 'x' AS t, '\\x0102'::bytea AS b");
  EXPECT_EQ(typed.out, "{\"i\":1,\"f\":2.5,\"t\":\"x\",\"b\":\"<blob 2 bytes>\"}\n") << typed.err;
}

TEST_F(PostgresQueryTest, QueryRefusesToWriteFilesOrRunProgramsEvenAsASuperuser) {
  TestServer server;
  crawl_three_pages(server);
  std::string program = server_writable_path("program"), file = server_writable_path("file");
  // The real binary: refused, exit 2.
  std::string err_path = (dir_ / "stderr.txt").string();
  testing::ChildSetup setup;
  setup.stderr_path = err_path;
  testing::CrawlerProcess copy_to_program(
      {"query", "--db", options_.db_path, "COPY (SELECT 1) TO PROGRAM 'touch " + program + "'"},
      setup);
  EXPECT_EQ(copy_to_program.wait(std::chrono::seconds(30)), kExitUsage);
  std::ifstream err_file(err_path);
  std::string err((std::istreambuf_iterator<char>(err_file)), std::istreambuf_iterator<char>());
  EXPECT_THAT(err, HasSubstr("refused: not a query"));

  EXPECT_EQ(query("COPY (SELECT 'x') TO '" + file + "'").exit, kExitUsage);
  EXPECT_EQ(query("COPY pages TO STDOUT").exit, kExitUsage);
  EXPECT_EQ(
      query("DO $$BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''touch " + program + "'''; END$$")
          .exit,
      kExitUsage);
  EXPECT_FALSE(std::filesystem::exists(program));
  EXPECT_FALSE(std::filesystem::exists(file));
  std::filesystem::remove(program);
  std::filesystem::remove(file);
}

TEST_F(PostgresQueryTest, QueryRefusesServerFilesLargeObjectsAndSignalsEvenAsASuperuser) {
  TestServer server;
  crawl_three_pages(server);
  Outcome read_file = query("SELECT pg_read_file('PG_VERSION')");
  EXPECT_EQ(read_file.exit, kExitUsage);
  EXPECT_THAT(read_file.err, HasSubstr("permission denied"));
  EXPECT_EQ(read_file.out, "");

  EXPECT_EQ(query("SELECT lo_from_bytea(0, 'x')").exit, kExitUsage);
  storage::pg::Connection admin(options_.db_path);
  EXPECT_EQ(admin.exec("SELECT count(*) FROM pg_largeobject_metadata").text(0, 0), "0");

  std::string victim(admin.exec("SELECT pg_backend_pid()").text(0, 0));
  EXPECT_EQ(query("SELECT pg_terminate_backend(" + victim + ")").exit, kExitUsage);
  EXPECT_EQ(admin.exec("SELECT pg_backend_pid()").text(0, 0), victim);  // the same session
}

// SET LOCAL ROLE alone is undone by the statement itself on a superuser's
// connection; the role then runs SQL through query_to_xml.
TEST_F(PostgresQueryTest, TheStatementCannotSetItsRoleBack) {
  TestServer server;
  crawl_three_pages(server);
  for (const char* setting : {"role', 'none", "session_authorization', 'crawler"}) {
    Outcome escaped = query(
        std::string("SELECT set_config('") + setting +
        "', true), query_to_xml('SELECT pg_read_file(''PG_VERSION'') AS f', true, false, '')");
    EXPECT_EQ(escaped.exit, kExitUsage) << setting;
    EXPECT_THAT(escaped.err, HasSubstr("cannot set parameter")) << setting;
    EXPECT_EQ(escaped.out, "") << setting;
  }
  EXPECT_EQ(query("SELECT current_user").out, "{\"current_user\":\"crawler_reader\"}\n");
}

TEST_F(PostgresQueryTest, QueryRefusesWritesSeveralStatementsAndSettings) {
  TestServer server;
  crawl_three_pages(server);
  for (const char* sql :
       {"WITH gone AS (DELETE FROM pages RETURNING 1) SELECT count(*) FROM gone",
        "SELECT 1; DELETE FROM pages", "DELETE FROM pages", "DELETE FROM pages RETURNING id",
        "SET statement_timeout = 0", "SHOW nonsense_setting", "SELEKT 1", "   ;  "}) {
    Outcome refused = query(sql);
    EXPECT_EQ(refused.exit, kExitUsage) << sql;
    EXPECT_EQ(refused.out, "") << sql;
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "3");
}

TEST_F(PostgresQueryTest, AStatementPastTheTimeoutIsStopped) {
  TestServer server;
  crawl_three_pages(server);
  auto start = std::chrono::steady_clock::now();
  Outcome slow = query("SELECT 1 AS one FROM pg_sleep(5)", options_.db_path, 0.3);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(slow.exit, kExitUsage);
  EXPECT_THAT(slow.err, HasSubstr("longer than the query timeout (300 ms, --timeout)"));
}

// Roles belong to the cluster: one made by hand may lack the reader role,
// and the connected role may not be allowed to use it. query says what to
// run and runs nothing; a migrate as a superuser makes the role again.
TEST_F(PostgresQueryTest, WithoutTheReaderRoleQueryRefusesAndSaysWhatToRun) {
  TestServer server;
  crawl_three_pages(server);
  storage::pg::Connection admin(options_.db_path);
  admin.exec("DROP ROLE crawler_reader");
  Outcome missing = query("SELECT count(*) FROM pages");
  EXPECT_EQ(missing.exit, kExitUsage);
  EXPECT_THAT(missing.err, HasSubstr("CREATE ROLE crawler_reader NOLOGIN; GRANT pg_read_all_data "
                                     "TO crawler_reader; GRANT crawler_reader TO crawler;"));
  EXPECT_EQ(missing.out, "");

  storage::pg::migrate(admin);
  EXPECT_EQ(query("SELECT count(*) AS n FROM pages").out, "{\"n\":3}\n");

  admin.exec("CREATE ROLE outsider LOGIN");
  Outcome outsider = query("SELECT count(*) FROM pages", uri_as("outsider"));
  EXPECT_EQ(outsider.exit, kExitUsage);
  EXPECT_THAT(outsider.err, HasSubstr("GRANT crawler_reader TO outsider;"));

  admin.exec("GRANT pg_write_server_files TO crawler_reader");
  Outcome widened = query("SELECT count(*) FROM pages");
  EXPECT_EQ(widened.exit, kExitUsage);
  EXPECT_THAT(widened.err, HasSubstr("can do more than read"));
  admin.exec("REVOKE pg_write_server_files FROM crawler_reader");
  admin.exec("DROP ROLE outsider");
}

// The fleet's set-up (docker/postgres/entrypoint): the crawler's role owns
// its database and is no superuser; an administrator made the reader role
// and granted it. Crawls migrate without the right to create roles, and
// query reads.
TEST_F(PostgresQueryTest, AnOwnerRoleCrawlsAndQueries) {
  TestServer server;
  std::string name = options_.db_path.substr(options_.db_path.rfind('/') + 1);
  {
    storage::pg::Connection admin(options_.db_path);
    admin.exec("CREATE ROLE crawl_owner LOGIN");
    admin.exec("ALTER DATABASE " + name + " OWNER TO crawl_owner");
    admin.exec("GRANT ALL ON SCHEMA public TO crawl_owner");
    // As an administrator made it, without pg_read_all_data yet.
    admin.exec("DROP ROLE IF EXISTS crawler_reader");
    admin.exec("CREATE ROLE crawler_reader NOLOGIN");
  }
  options_.db_path = uri_as("crawl_owner");
  write_seeds({server.url("/site/3/0")});
  ASSERT_EQ(run_crawl_command(options_), kExitOk);  // migrates: no right to make roles
  Outcome refused = query("SELECT count(*) FROM pages");
  EXPECT_EQ(refused.exit, kExitUsage);
  EXPECT_THAT(refused.err, HasSubstr("GRANT crawler_reader TO crawl_owner;"));

  storage::pg::Connection admin(uri_as("crawler"));
  admin.exec("GRANT pg_read_all_data TO crawler_reader");
  admin.exec("GRANT crawler_reader TO crawl_owner");
  EXPECT_EQ(query("SELECT count(*) AS n FROM pages").out, "{\"n\":3}\n");
  EXPECT_EQ(query("SELECT pg_read_file('PG_VERSION')").exit, kExitUsage);
  EXPECT_EQ(query("WITH gone AS (DELETE FROM pages RETURNING 1) SELECT count(*) FROM gone").exit,
            kExitUsage);
}

}  // namespace
}  // namespace crawler
