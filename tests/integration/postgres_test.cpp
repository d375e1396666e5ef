// The PostgreSQL backend against a real server: a throwaway cluster
// (scripts/pg-cluster: initdb on a free 127.0.0.1 port, removed after the
// suite), one database per test. The same crawl lands in PostgreSQL as in
// SQLite; a resumed crawl fetches nothing twice; connections the server
// kills mid-crawl are re-established and nothing is lost.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <span>
#include <sstream>
#include <thread>

#include "crawler/async/timer.hpp"
#include "crawler/base/unix_time.hpp"
#include "crawler/commands/commands.hpp"
#include "crawler/engine/crawl_engine.hpp"
#include "crawler/service/console_api.hpp"
#include "crawler/service/console_history.hpp"
#include "crawler/service/console_origin_api.hpp"
#include "parsers/url.hpp"
#include "storage/crawl_store.hpp"
#include "storage/postgres/pg.hpp"
#include "storage/postgres/pg_schema.hpp"
#include "storage/postgres/search_terms.hpp"
#include "tests/integration/fetch_counts.hpp"
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
  testing::expect_each_fetched_once(server.requests(), "/site/150/", 150);
  std::size_t sqlite_requests = server.request_count();
  options_.db_path = postgres;
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  auto in_postgres = stored();

  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "150");
  EXPECT_EQ(in_postgres, in_sqlite);
  // Each crawl fetched each page once.
  testing::expect_each_fetched_once(testing::requests_since(server, sqlite_requests), "/site/150/",
                                    150);
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
  ::testing::internal::CaptureStderr();
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  // The seen set is counted (to size it), then loaded, from the database.
  std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(said, ::testing::HasSubstr(" URL(s) earlier runs saw"));
  EXPECT_THAT(said, ::testing::Not(::testing::HasSubstr("cannot load the URLs seen")));

  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "200");
  expect_states_consistent();
  testing::expect_each_fetched_once(server.requests(), "/site/200/", 200);
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
  // The batches whose connection died were written again, not fetched again.
  testing::expect_each_fetched_once(server.requests(), "/site/150/", 150);
  expect_states_consistent();
}

// The database goes away for longer than --db-outage: the crawl stops with
// exit 1, every batch it stored is whole, and a later run finishes the crawl.
TEST_F(PostgresTest, ADatabaseAwayPastTheOutageLimitStopsTheCrawlWithNothingHalfWritten) {
  TestServer server;
  write_seeds({server.url("/site/150/0")});
  options_.delay_ms = 20;  // one origin: about three seconds of crawling
  options_.db_outage_ms = 2000;
  options_.lease_ms = 2000;  // the next run takes the origin over once the lease lapses
  std::string name = options_.db_path.substr(options_.db_path.rfind('/') + 1);
  std::atomic<bool> done = false;
  std::atomic<bool> cut = false;
  std::thread cutter([&] {
    storage::pg::Connection admin(admin_uri_);
    for (int i = 0; i < 200 && !done; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      try {
        storage::pg::Connection watch(options_.db_path);
        if (watch.exec("SELECT count(*) FROM pages").int64(0, 0) < 40) continue;
      } catch (const storage::StorageError&) {
        continue;  // the crawl has not created its tables yet
      }
      admin.exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
      admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                 {name});
      cut = true;
      break;
    }
  });
  int exit_code = run_crawl_command(options_);
  std::vector<std::chrono::steady_clock::time_point> run_ends = {std::chrono::steady_clock::now()};
  done = true;
  cutter.join();
  storage::pg::Connection(admin_uri_).exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");

  ASSERT_TRUE(cut) << "the crawl ended before the database went away";
  EXPECT_EQ(exit_code, kExitFailed);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages p JOIN urls u ON u.id = p.url_id"
                   " WHERE u.state <> 'done'"),
            "0");
  EXPECT_NE(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "0");
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "150");
  // The next run fetched again only what the first could not write.
  testing::expect_refetches_within_the_backlog(
      testing::count_refetches(server.requests(), "/site/150/", run_ends), options_.concurrency);
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

// What a command prints on standard output.
template <typename Command>
std::string printed(Command command) {
  ::testing::internal::CaptureStdout();
  command();
  return ::testing::internal::GetCapturedStdout();
}

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

// A CSV export without the columns that differ between two crawls of one
// site (fetched_at, duration_ms), rows sorted.
std::vector<std::string> stable_csv(const std::string& csv) {
  std::vector<std::string> rows;
  for (const std::string& line : sorted_lines(csv)) {
    std::vector<std::string> fields;
    std::istringstream in(line);
    for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
    if (fields.size() > 8) fields.erase(fields.begin() + 8), fields.erase(fields.begin() + 5);
    std::string row;
    for (const auto& field : fields) row += field + ",";
    rows.push_back(row);
  }
  return rows;
}

// Search results without their snippets: each engine cuts its own.
std::string hits_of(const std::string& search) {
  std::string kept;
  std::istringstream in(search);
  int line_of_hit = 0;
  for (std::string line; std::getline(in, line); line_of_hit = (line_of_hit + 1) % 3)
    if (line_of_hit < 2) kept += line + "\n";
  return kept;
}

// stats without what differs between two crawls of one site: fetch times,
// and the fleet that only a shared database has.
std::string stable_stats(const std::string& stats) {
  std::string kept;
  std::istringstream in(stats);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("pages per minute") || line.starts_with("fleet")) break;
    if (!line.starts_with("first fetch") && !line.starts_with("last fetch")) kept += line + "\n";
  }
  return kept;
}

// search, stats and export give the same answers on either backend for the
// same crawl (search ranks with each engine's own function, so one match is asked).
TEST_F(PostgresTest, SearchStatsAndExportAnswerAsOnSqlite) {
  TestServer server;
  write_seeds({server.url("/site/40/0")});
  options_.keep_raw = true;
  std::string postgres = options_.db_path;
  auto answers = [this](const std::string& db) {
    options_.db_path = db;
    EXPECT_EQ(run_crawl_command(options_), kExitOk);
    SearchOptions search;
    search.query = "page17";
    ExportOptions csv{"csv", ""}, jsonl{"jsonl", ""}, warc{"warc", ""};
    auto read = reader(db);
    std::string records = printed([&] { EXPECT_EQ(run_export_command(*read, warc), kExitOk); });
    std::size_t responses = 0;
    for (std::size_t at = 0; (at = records.find("WARC-Type: response", at)) != std::string::npos;
         ++at)
      ++responses;
    return std::vector<std::string>{
        hits_of(printed([&] { EXPECT_EQ(run_search_command(*read, search), kExitOk); })),
        stable_stats(printed([&] { EXPECT_EQ(run_stats_command(*read), kExitOk); })),
        ::testing::PrintToString(
            stable_csv(printed([&] { EXPECT_EQ(run_export_command(*read, csv), kExitOk); }))),
        std::to_string(sorted_lines(printed([&] {
                         EXPECT_EQ(run_export_command(*read, jsonl), kExitOk);
                       })).size()),
        std::to_string(responses)};
  };
  auto in_sqlite = answers(sqlite_path_);
  auto in_postgres = answers(postgres);
  EXPECT_EQ(in_postgres, in_sqlite);
  EXPECT_THAT(in_postgres[0], ::testing::HasSubstr(server.url("/site/40/17")));
  EXPECT_THAT(in_postgres[1], ::testing::HasSubstr("pages 40\n"));
  EXPECT_EQ(in_postgres[3], "40");
  EXPECT_EQ(in_postgres.back(), "40");  // a WARC response record per page

  std::string fleet = printed([&] { run_stats_command(*reader(postgres)); });
  EXPECT_THAT(fleet, ::testing::HasSubstr("fleet (crawlers seen in the last 10 minutes):\n  "));
  EXPECT_THAT(fleet, ::testing::HasSubstr("\thosts 0\tpages 40\tpages/s "));  // all released
}

// One set of CrawlReader calls, on the reader open_crawl_reader gives for
// each database, answers the same for the same crawl (what differs between
// two crawls of one site, fetch times and durations, is left out).
TEST_F(PostgresTest, OneSetOfReaderCallsAnswersTheSameOnEitherBackend) {
  TestServer server;
  write_seeds({server.url("/site/30/0"), server.url("/redirect/2")});
  options_.keep_raw = true;
  std::string postgres = options_.db_path;
  auto answers = [&](const std::string& db) {
    options_.db_path = db;
    EXPECT_EQ(run_crawl_command(options_), kExitOk);
    auto read = reader(db);
    std::vector<std::string> out;
    auto add = [&out](const auto& value) { out.push_back(::testing::PrintToString(value)); };
    storage::CrawlStats stats = read->stats(5);
    add(std::vector<std::int64_t>{stats.pages, stats.urls_known, stats.urls_queued, stats.links,
                                  stats.bytes});
    for (const auto* counts :
         {&stats.by_status, &stats.by_content_type, &stats.top_hosts, &stats.errors}) {
      std::vector<std::pair<std::string, std::int64_t>> pairs;
      for (const auto& c : *counts) pairs.emplace_back(c.key, c.count);
      add(pairs);
    }
    for (const std::string& url : {server.url("/site/30/0"), server.url("/redirect/0")}) {
      auto view = read->page_view(url, 3);
      EXPECT_TRUE(view) << url;
      if (!view) continue;
      add(std::vector<std::string>{view->page.url, view->page.title, view->page.redirect_to});
      add(std::vector<std::int64_t>{view->page.status, view->page.depth, view->page.bytes,
                                    view->links_out_total, view->links_in_total,
                                    static_cast<std::int64_t>(view->links_out.size())});
      add(view->redirects);
    }
    add(read->page_view(server.url("/never"), 3).has_value());
    add(std::vector<std::int64_t>{read->export_count(false), read->export_count(true)});
    std::vector<std::string> pages, exchanges;
    read->for_each_page([&](const storage::ExportedPage& p) { pages.push_back(p.url); });
    read->for_each_exchange([&](const storage::ExportedExchange& e) {
      exchanges.push_back(e.url + " " + std::to_string(e.body.size()));
    });
    std::sort(pages.begin(), pages.end());
    std::sort(exchanges.begin(), exchanges.end());
    add(pages);
    add(exchanges);
    std::vector<std::string> hits;
    for (const auto& hit : read->search("page17", 10, std::nullopt)) hits.push_back(hit.url);
    add(hits);
    std::vector<std::string> cells;
    read->run_query(
        "SELECT count(*), max(depth) FROM pages", [](const storage::QueryColumns&) {},
        [&](const std::vector<storage::Cell>& row) {
          for (const auto& cell : row)
            cells.push_back(std::to_string(std::get<std::int64_t>(cell)));
        });
    add(cells);
    return out;
  };
  auto in_sqlite = answers(sqlite_path_);
  auto in_postgres = answers(postgres);
  EXPECT_EQ(in_postgres, in_sqlite);
  // 30 pages, and 3 of the redirect chain: two hops and their target.
  EXPECT_THAT(in_postgres[0], ::testing::StartsWith("{ 33, 33, 0, "));
  EXPECT_THAT(in_postgres, ::testing::Contains(::testing::HasSubstr("/site/30/17")));  // search
}

// The console's reads of one URL and one origin (url_state, origin_queue,
// kept_robots_txt, behind /api/url and /api/origin) are parameterised
// statements that answer the same on either backend: for a stored URL, a
// queued one, one whose path holds a quote and a backslash, and one the
// crawl does not know.
TEST_F(PostgresTest, TheConsolesReadsOfAUrlAndAnOriginAnswerTheSameOnEitherBackend) {
  TestServer server;
  write_seeds({server.url("/site/30/0")});
  options_.max_pages = 4;
  std::string postgres = options_.db_path;
  std::string origin(parsers::normalized_origin(server.url("/")));
  const std::string odd = "http://q.test/it's\\'--";
  // One crawl, copied: two crawls would fetch different pages of the tree
  // (which four depends on timing), and the reads would rightly differ.
  options_.db_path = sqlite_path_;
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  storage::open_crawl_store(sqlite_path_, {})->queue({odd}, 2, storage::QueueSource::kLink);
  ASSERT_EQ(run_copy_command(*reader(sqlite_path_), postgres), kExitOk);
  auto answers = [&](const std::string& db) {
    auto read = reader(db);
    std::vector<std::string> out;
    auto add = [&out](const auto& value) { out.push_back(::testing::PrintToString(value)); };
    for (const std::string& url : {server.url("/site/30/0"), server.url("/site/30/4"), odd,
                                   std::string("http://q.test/never")}) {
      auto state = read->url_state(url);
      add(state.has_value());
      if (!state) continue;
      add(std::vector<std::string>{
          state->state, state->source.value_or("NULL"), state->found_on.value_or("NULL"),
          state->last_error.value_or("NULL"), state->fetched_at ? "fetched" : "NULL"});
      add(std::vector<std::int64_t>{state->depth.value_or(-1), state->attempts.value_or(-1)});
    }
    storage::OriginQueue first = read->origin_queue(origin, 0, 3);
    storage::OriginQueue rest = read->origin_queue(origin, 2, 100);
    add(first.total);
    add(rest.total);
    std::vector<std::string> urls;
    for (const auto* queue : {&first, &rest})
      for (const auto& entry : queue->urls)
        urls.push_back(entry.url + " " + std::to_string(entry.depth.value_or(-1)) + " " +
                       entry.source.value_or("NULL"));
    add(urls);
    add(read->origin_queue("http://q.test", 0, 10).urls.size());
    auto robots = read->kept_robots_txt(origin);
    add(robots.has_value());
    if (robots)
      add(std::vector<std::string>{robots->status,
                                   std::to_string(robots->http_status.value_or(-1))});
    add(read->kept_robots_txt("http://q.test").has_value());
    // As the console's API sends them.
    out.push_back(nlohmann::json::parse(url_stored_json(*read, odd)).dump());
    out.push_back(nlohmann::json::parse(url_stored_json(*read, "http://q.test/never")).dump());
    auto stored = nlohmann::json::parse(origin_stored_json(*read, origin, 1, 2));
    out.push_back(stored["queued"].dump() + " " + stored["queued_total"].dump() + " " +
                  stored["robots_txt"]["status"].dump());
    return out;
  };
  auto in_sqlite = answers(sqlite_path_);
  auto in_postgres = answers(postgres);
  EXPECT_EQ(in_postgres, in_sqlite);
  ASSERT_GE(in_sqlite.size(), 10u);
  EXPECT_EQ(in_sqlite[0], "true");  // the seed: stored
  EXPECT_THAT(in_sqlite[1],
              ::testing::StartsWith("{ \"done\", \"seed\", \"NULL\", \"NULL\", \"fetched\" }"));
  EXPECT_THAT(in_sqlite,
              ::testing::Contains(
                  "{ \"queued\", \"link\", \"NULL\", \"NULL\", \"NULL\" }"));  // the odd URL
  EXPECT_THAT(in_sqlite, ::testing::Contains("{ 2, -1 }"));
  // A queued page of the tree (its children are 2k+1 and 2k+2): found on its parent.
  EXPECT_THAT(in_sqlite,
              ::testing::Contains("{ \"queued\", \"link\", \"" + server.url("/site/30/1") +
                                  "\", \"NULL\", \"NULL\" }"));
  EXPECT_THAT(in_sqlite, ::testing::Contains("{\"stored\":null}"));
  EXPECT_THAT(in_sqlite, ::testing::Contains(::testing::HasSubstr("\"state\":\"queued\"")));
}

// A crawl begun on SQLite moves to PostgreSQL with its frontier, resumes
// there fetching nothing twice, and comes back whole; a target that holds a
// crawl is refused and left alone.
TEST_F(PostgresTest, CopyMovesACrawlBothWaysAndTheCopyResumes) {
  TestServer server;
  write_seeds({server.url("/site/120/0")});
  std::string postgres = options_.db_path;
  options_.db_path = sqlite_path_;
  options_.max_pages = 50;
  options_.keep_raw = true;
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  auto begun = stored();
  EXPECT_NE(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "0");

  ASSERT_EQ(run_copy_command(*reader(sqlite_path_), postgres), kExitOk);
  options_.db_path = postgres;
  EXPECT_EQ(stored(), begun);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE search @@ to_tsquery('simple', 'page7')"),
            "1");
  EXPECT_EQ(run_copy_command(*reader(sqlite_path_), postgres), kExitUsage);  // not into a crawl
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "50");

  options_.max_pages.reset();
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "120");
  expect_states_consistent();
  testing::expect_each_fetched_once(server.requests(), "/site/120/", 120);

  auto finished = stored();
  std::string back = (dir_ / "back.db").string();
  ASSERT_EQ(run_copy_command(*reader(postgres), back), kExitOk);
  options_.db_path = back;
  EXPECT_EQ(stored(), finished);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages_fts WHERE pages_fts MATCH 'page77'"), "1");
  EXPECT_EQ(scalar("SELECT count(*) FROM responses"), "120");
  ExportOptions warc{"warc", (dir_ / "back.warc").string()};
  EXPECT_EQ(run_export_command(*reader(back), warc), kExitOk);
}

// The database counts its queued URLs as they change, whoever changes them:
// two crawlers' writers at once, or a statement of the operator's. Read as a
// sum of a few rows, not a count of URLs; a store opened again folds the
// rows of sessions gone and keeps the count.
TEST_F(PostgresTest, TheDatabaseKeepsCountOfItsQueuedUrlsForEveryWriter) {
  auto first = storage::open_crawl_store(options_.db_path, {});
  EXPECT_EQ(first->queued_url_count(), 0);
  auto second = storage::open_crawl_store(options_.db_path, {});
  first->queue({"http://a.test/1", "http://a.test/2", "http://a.test/3"}, 0);
  second->queue({"http://b.test/1", "http://b.test/2", "http://a.test/1"}, 0);  // one known
  first->refresh_queued_url_count();
  EXPECT_EQ(first->queued_url_count(), 5);
  storage::pg::Connection conn(options_.db_path);
  conn.exec("UPDATE urls SET state = 'done' WHERE url IN ('http://a.test/1', 'http://b.test/2')");
  conn.exec("DELETE FROM urls WHERE url = 'http://a.test/3'");
  second->refresh_queued_url_count();
  EXPECT_EQ(second->queued_url_count(), 2);
  EXPECT_EQ(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "2");
  // A row per session that wrote, besides row 0: never one row for all.
  EXPECT_EQ(scalar("SELECT count(*) FROM queued_counts WHERE slot <> 0 AND delta <> 0"), "3");

  first.reset();
  second.reset();
  // Their sessions end (the server's backends go soon after): only the
  // test's own, which wrote too, stays.
  for (int i = 0; i < 500; ++i) {
    if (conn.exec("SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND pid IN"
                  " (SELECT slot FROM queued_counts)")
            .int64(0, 0) == 0)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto again = storage::open_crawl_store(options_.db_path, {});
  EXPECT_EQ(again->queued_url_count(), 2);
  EXPECT_EQ(scalar("SELECT count(*) FROM queued_counts WHERE slot <> 0"), "1");
}

// A bounded crawl on PostgreSQL counts its progress over the fleet: the pages
// the run's crawlers stored, of --max-pages; the console's overview says so.
TEST_F(PostgresTest, ABoundedCrawlsProgressIsTheFleetsStoredPagesOfTheBound) {
  TestServer server;
  options_.max_pages = 5;
  auto store = storage::open_crawl_store(options_.db_path, {});
  async::Loop loop;
  {
    CrawlEngine engine(loop, options_, *store);
    ConsoleHistory history(loop.get(), engine);
    store->queue({server.url("/site/20/0")}, 0);  // as `crawl` queues its seeds
    async::run_until_done(loop, engine.run({server.url("/site/20/0")}));
    // Queued by another crawler meanwhile: the backlog, read as the fleet
    // poller reads it every few seconds.
    storage::pg::Connection conn(options_.db_path);
    conn.exec(
        "INSERT INTO urls(url, state, origin) VALUES ('http://x.test/1', 'queued',"
        " 'http://x.test'), ('http://x.test/2', 'queued', 'http://x.test')");
    store->refresh_queued_url_count();
    EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "5");
    auto progress = engine.progress();
    ASSERT_TRUE(progress.has_value());
    EXPECT_EQ(progress->stored, 5u);
    EXPECT_EQ(progress->bound, 5u);
    EXPECT_TRUE(progress->fleet);
    auto overview = nlohmann::json::parse(overview_json(engine, history, std::nullopt));
    EXPECT_EQ(overview["progress"]["stored"], 5);
    EXPECT_EQ(overview["progress"]["bound"], 5);
    EXPECT_EQ(overview["progress"]["fleet"], true);
    // And the database's backlog: what is queued, not 0.
    EXPECT_EQ(overview["gauges"]["queued_stored"].dump(),
              scalar("SELECT count(*) FROM urls WHERE state = 'queued'"));
    EXPECT_GE(overview["gauges"]["queued_stored"], 2);
  }
  EXPECT_EQ(loop.close(), 0);
}

// Another crawler's console gave an order for an origin (written to the
// shared table): a running crawler applies it within seconds, and an order
// older than the one it holds does not undo it. Its count of the database's
// queued URLs follows what others queue too.
TEST_F(PostgresTest, AnOrderGivenToAnotherCrawlerOfTheFleetIsAppliedWithinSeconds) {
  TestServer server;
  std::string origin(parsers::normalized_origin(server.url("/")));
  auto store = storage::open_crawl_store(options_.db_path, {});
  storage::pg::Connection conn(options_.db_path);
  auto order = [&](bool paused, std::int64_t at_ms) {
    conn.exec(
        "INSERT INTO origin_controls(origin, paused, blocked, delay_ms, changed_at_ms)"
        " VALUES ($1, $2, false, 700, $3) ON CONFLICT (origin) DO UPDATE SET"
        " paused = excluded.paused, delay_ms = excluded.delay_ms,"
        " changed_at_ms = excluded.changed_at_ms",
        {origin, std::string(paused ? "true" : "false"), std::to_string(at_ms)});
  };
  async::Loop loop;
  std::vector<std::string> seen;  // what the engine held, at each step
  {
    CrawlEngine engine(loop, options_, *store);
    engine.keep_running(true);
    store->queue({server.url("/site/3/0")}, 0);
    auto held = [&] { return engine.origin_controls().held(origin); };
    int step = 0;
    auto started = std::chrono::steady_clock::now();
    async::Timer look(loop.get(), [&] {
      auto waited = std::chrono::steady_clock::now() - started;
      if (step == 0) {
        order(true, unix_ms_now());
        // Queued by another crawler, for an origin no one leases: never fetched here.
        conn.exec(
            "INSERT INTO urls(url, state, origin) VALUES ('http://x.test/1', 'queued',"
            " 'http://x.test'), ('http://x.test/2', 'queued', 'http://x.test')");
        step = 1;
      } else if (step == 1 && held()) {
        seen.push_back("paused");
        EXPECT_EQ(engine.origin_controls().delay(origin), Millis(700));
        order(false, 1);  // older than the order held: not applied
        step = 2;
        started = std::chrono::steady_clock::now();
      } else if (step == 2 && waited > 2 * FleetPoller::kEvery) {
        seen.push_back(held() ? "still paused" : "resumed by an older order");
        order(false, unix_ms_now() + 1);
        step = 3;
      } else if (step == 3 && !held()) {
        seen.push_back("resumed");
        step = 4;
      } else if (step == 4 && engine.gauges().queued_stored == 2u &&
                 conn.exec("SELECT count(*) FROM urls WHERE state = 'queued'").int64(0, 0) == 2) {
        seen.push_back("counted");
        step = 5;
      }
      if (step == 5 || waited > std::chrono::seconds(20)) engine.stop();
    });
    look.start(std::chrono::milliseconds(50), std::chrono::milliseconds(50));
    async::run_until_done(loop, engine.run({server.url("/site/3/0")}));
  }
  EXPECT_EQ(loop.close(), 0);
  EXPECT_EQ(seen, (std::vector<std::string>{"paused", "still paused", "resumed", "counted"}));
}

// The operator's orders for origins travel with a copy, both ways.
TEST_F(PostgresTest, CopyKeepsTheOperatorsOriginOrders) {
  std::string postgres = options_.db_path;
  {
    auto store = storage::open_crawl_store(sqlite_path_, {});
    store->queue({"http://a.test/", "http://b.test/"}, 0);
    storage::PageRecord order;
    order.queue_only = true;
    order.control = storage::OriginControl{"http://a.test", true, false, 1500, 1000};
    store->write(std::span(&order, 1));
    order.control = storage::OriginControl{"http://b.test", false, true, -1, 2000};
    store->write(std::span(&order, 1));
  }
  auto expect_orders = [](const std::vector<storage::OriginControl>& orders) {
    ASSERT_EQ(orders.size(), 2u);
    EXPECT_EQ(orders[0].origin, "http://a.test");
    EXPECT_TRUE(orders[0].paused);
    EXPECT_FALSE(orders[0].blocked);
    EXPECT_EQ(orders[0].delay_ms, 1500);
    EXPECT_EQ(orders[0].changed_at_ms, 1000);
    EXPECT_EQ(orders[1].origin, "http://b.test");
    EXPECT_FALSE(orders[1].paused);
    EXPECT_TRUE(orders[1].blocked);
    EXPECT_EQ(orders[1].delay_ms, -1);
    EXPECT_EQ(orders[1].changed_at_ms, 2000);
  };
  ASSERT_EQ(run_copy_command(*reader(sqlite_path_), postgres), kExitOk);
  expect_orders(storage::open_crawl_store(postgres, {})->origin_controls());

  std::string back = (dir_ / "back.db").string();
  ASSERT_EQ(run_copy_command(*reader(postgres), back), kExitOk);
  expect_orders(storage::open_crawl_store(back, {})->origin_controls());
}

// No message shows a password (trust authentication accepts any).
TEST_F(PostgresTest, MessagesNameTheDatabaseWithoutItsPassword) {
  write_seeds({"http://127.0.0.1:1/"});
  // A database that is not there: stats says which, without the password.
  std::string missing = admin_uri_.substr(0, admin_uri_.rfind('/') + 1) + "no_such_crawl";
  missing.insert(missing.find('@'), ":s3cret");
  ::testing::internal::CaptureStderr();
  int stats = run_stats_command(*reader(missing));
  std::string said = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(stats, kExitUsage);
  EXPECT_THAT(said, ::testing::HasSubstr(":***@"));
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

// Statements deferred into a pipeline fail with the call that sends them,
// leave the transaction to roll back whole, and leave the session usable.
TEST_F(PostgresTest, ADeferredStatementThatFailsRollsItsTransactionBackWhole) {
  storage::pg::Connection conn(options_.db_path);
  conn.exec("CREATE TABLE t (x integer PRIMARY KEY)");
  const std::string insert = "INSERT INTO t VALUES ($1::integer)";
  const std::string count = "SELECT count(*) FROM t WHERE x > $1::integer";
  try {
    storage::pg::Transaction transaction(conn, true);
    conn.defer(insert, {"1"});
    conn.defer(insert, {"1"});  // a duplicate key: the pipeline fails here
    conn.defer(insert, {"2"});
    conn.exec_prepared(count, {"0"});
    ADD_FAILURE() << "the failed INSERT was not reported";
  } catch (const storage::StorageError& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr("duplicate key"));
  }
  EXPECT_EQ(conn.exec_prepared(count, {"0"}).int64(0, 0), 0);  // nothing of it stayed

  {
    storage::pg::Transaction transaction(conn, true);
    conn.defer(insert, {"3"});
    conn.defer(insert, {"4"});
    transaction.commit();  // sent with the deferred INSERTs
  }
  EXPECT_EQ(conn.exec_prepared(count, {"0"}).int64(0, 0), 2);
  EXPECT_EQ(conn.exec_prepared(count, {"3"}).int64(0, 0), 1);
}

// Schema version 4 keeps a version 3 crawl whole: its URLs then compare
// as bytes, as in SQLite, and the views over them answer as before.
TEST_F(PostgresTest, SchemaVersion4KeepsAVersion3CrawlAndComparesUrlsAsBytes) {
  storage::pg::Connection conn(options_.db_path);
  storage::pg::migrate(conn, 3);
  conn.run_script(
      "INSERT INTO urls(id, url, state, origin) VALUES (1, 'http://h/a', 'done', 'http://h'),"
      " (2, 'http://h/B', 'queued', 'http://h'), (3, 'http://h/é', 'linked', NULL);"
      "INSERT INTO pages(id, url_id, url, depth, fetched_at) VALUES (1, 1, 'http://h/a', 0, 'x');"
      "INSERT INTO links(from_page, to_url) VALUES (1, 2), (1, 3)");
  storage::pg::migrate(conn, 4);
  EXPECT_EQ(conn.exec("SELECT max(version) FROM crawler_schema").int64(0, 0), 4);
  auto collations = conn.exec(
      "SELECT string_agg(table_name || '.' || column_name || ' ' || collation_name, ', '"
      " ORDER BY table_name, column_name) FROM information_schema.columns"
      " WHERE (table_name, column_name) IN (('urls', 'url'), ('urls', 'origin'),"
      " ('hosts', 'origin'))");
  EXPECT_EQ(collations.text(0, 0), "hosts.origin C, urls.origin C, urls.url C");
  auto ordered = conn.exec("SELECT string_agg(url, ' ' ORDER BY url) FROM urls");
  EXPECT_EQ(ordered.text(0, 0), "http://h/B http://h/a http://h/é");  // bytewise
  auto states = conn.exec("SELECT string_agg(state, ',' ORDER BY url) FROM url_states");
  EXPECT_EQ(states.text(0, 0), "queued,done,linked");
  EXPECT_EQ(conn.exec("SELECT count(*) FROM link_urls WHERE from_url = 'http://h/a'").int64(0, 0),
            2);
  EXPECT_EQ(conn.exec("SELECT count(*) FROM urls WHERE url = ANY($1::text[])",
                      {storage::pg::array_literal(std::vector<std::string>{"http://h/B"})})
                .int64(0, 0),
            1);
  storage::pg::migrate(conn);  // and on to the newest, which keeps it too
  EXPECT_EQ(conn.exec("SELECT max(version) FROM crawler_schema").int64(0, 0),
            storage::pg::kSchemaVersion);
  EXPECT_EQ(conn.exec("SELECT count(*) FROM urls").int64(0, 0), 3);
  // Version 7 adds the server address of each page; older pages have none.
  EXPECT_EQ(conn.exec("SELECT count(*) FROM pages WHERE address IS NULL").int64(0, 0), 1);
  // Version 9 counts the queued URLs it finds, and keeps the count after.
  EXPECT_EQ(conn.exec("SELECT sum(delta)::bigint FROM queued_counts").int64(0, 0), 1);
  conn.exec("UPDATE urls SET state = 'queued' WHERE url = 'http://h/a'");
  EXPECT_EQ(conn.exec("SELECT sum(delta)::bigint FROM queued_counts").int64(0, 0), 2);
}

// An operator's order for an origin is kept, the newest replacing the
// last, and read back by a store opened again (as SQLite keeps it).
TEST_F(PostgresTest, OriginOrdersAreKeptAndTheNewestWins) {
  {
    auto store = storage::open_crawl_store(options_.db_path, {});
    storage::PageRecord order;
    order.queue_only = true;
    order.control = storage::OriginControl{"http://a.test", true, false, 1500, 1000};
    store->write(std::span(&order, 1));
    order.control->paused = false;
    order.control->blocked = true;
    order.control->delay_ms = -1;
    order.control->changed_at_ms = 2000;
    store->write(std::span(&order, 1));
  }
  auto again = storage::open_crawl_store(options_.db_path, {});
  auto orders = again->origin_controls();
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].origin, "http://a.test");
  EXPECT_FALSE(orders[0].paused);
  EXPECT_TRUE(orders[0].blocked);
  EXPECT_EQ(orders[0].delay_ms, -1);
  EXPECT_EQ(orders[0].changed_at_ms, 2000);
  EXPECT_EQ(again->page_count(), 0);
}

// The writer sends search vectors and link ids in binary form: the server
// must read them as it reads their text form, in a pipeline or not.
TEST_F(PostgresTest, BinaryParametersReadAsTheirTextForms) {
  storage::pg::Connection conn(options_.db_path);
  std::string many;
  for (int i = 0; i < 20'000; ++i) many += "w ";
  const std::vector<std::pair<std::string, std::string>> pages = {
      {"Opening Hours", "Our opening hours: 9-17. It's a \\ 'quoted' page"},
      {"", "ÉCOLE Straße ДОМ example.com/x_y"},
      {"Title only", ""},
      {"", many + "last"}};
  std::vector<storage::pg::Param> binary, literal;
  for (const auto& [title, text] : pages) {
    binary.push_back(storage::pg::Param::binary(storage::pg::search_vector_binary(title, text)));
    literal.push_back(storage::pg::search_vector_literal(title, text));
  }
  binary.emplace_back();  // NULL
  literal.emplace_back();
  const std::string same =
      "SELECT count(*) FILTER (WHERE a IS NOT DISTINCT FROM b), count(*) FROM"
      " unnest($1::tsvector[], $2::tsvector[]) AS v(a, b)";
  auto equal =
      conn.exec_prepared(same, {storage::pg::binary_array(storage::pg::kTsvectorOid, binary),
                                storage::pg::array_literal(literal)});
  EXPECT_EQ(equal.int64(0, 0), 5);
  EXPECT_EQ(equal.int64(0, 1), 5);

  const std::vector<std::int64_t> ids = {1, -2, 9'007'199'254'740'993, 0};
  conn.defer("CREATE TEMP TABLE ids AS SELECT unnest($1::bigint[]) AS id",
             {storage::pg::binary_array(ids)});
  auto back = conn.exec("SELECT string_agg(id::text, ',') FROM ids");
  EXPECT_EQ(back.text(0, 0), "1,-2,9007199254740993,0");

  // Text that PostgreSQL cannot hold is repaired, as in a text parameter.
  auto texts = conn.exec_prepared(
      "SELECT coalesce(t, 'NULL') FROM unnest($1::text[]) WITH ORDINALITY AS a(t, i) ORDER BY i",
      {storage::pg::binary_text_array({"plain", std::string("bad \xff byte"), {}, "é\"'{,}"})});
  ASSERT_EQ(texts.rows(), 4);
  EXPECT_EQ(texts.text(0, 0), "plain");
  EXPECT_EQ(texts.text(1, 0), "bad \uFFFD byte");
  EXPECT_EQ(texts.text(2, 0), "NULL");
  EXPECT_EQ(texts.text(3, 0), "é\"'{,}");
}

}  // namespace
}  // namespace crawler
