#include "storage/sqlite/page_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>

#include "storage/crawl_reader.hpp"
#include "storage/sqlite/queued_urls.hpp"
#include "storage/sqlite/schema.hpp"

namespace crawler::storage {
namespace {

using ::testing::HasSubstr;

class PageStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("page_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string db_path() const { return (dir_ / "crawl.db").string(); }

  // One column of one row, as text, read through the same path users take.
  std::string scalar(const std::string& sql) {
    std::string value;
    open_crawl_reader(db_path())->run_query(
        sql, [](const QueryColumns&) {},
        [&](const std::vector<Cell>& row) {
          if (auto* i = std::get_if<std::int64_t>(&row[0])) value = std::to_string(*i);
          if (auto* s = std::get_if<std::string>(&row[0])) value = *s;
        });
    return value;
  }

  static PageRecord page(std::string url, std::vector<std::string> links = {}) {
    PageRecord record;
    record.url = std::move(url);
    record.final_url = record.url;
    record.status = 200;
    record.content_type = "text/html";
    record.title = "T";
    record.fetched_at_ms = 1'700'000'000'123;
    record.links = std::move(links);
    return record;
  }

  std::filesystem::path dir_;
};

TEST_F(PageStoreTest, CreatesTheSchemaInWalModeWithItsVersion) {
  PageStore store(db_path());
  EXPECT_EQ(scalar("PRAGMA user_version"), std::to_string(kSchemaVersion));
  EXPECT_EQ(scalar("PRAGMA journal_mode"), "wal");
  // Version 7: the full-text index merges 16 segments at a time.
  EXPECT_EQ(scalar("SELECT v FROM pages_fts_config WHERE k = 'automerge'"), "16");
}

TEST_F(PageStoreTest, WritesPagesAndTheirLinks) {
  {
    PageStore store(db_path());
    std::vector<PageRecord> batch{page("http://a.com/", {"http://a.com/x", "http://b.com/"}),
                                  page("http://a.com/x", {"http://a.com/"})};
    store.write(batch);
    EXPECT_EQ(store.page_count(), 2);
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM links"), "3");
  EXPECT_EQ(scalar("SELECT count(*) FROM urls"), "3");
  EXPECT_EQ(scalar("SELECT from_url FROM link_urls WHERE to_url = 'http://b.com/'"),
            "http://a.com/");
  EXPECT_EQ(scalar("SELECT fetched_at FROM pages LIMIT 1"), "2023-11-14T22:13:20.123Z");
}

TEST_F(PageStoreTest, APageFirstStoredEmptyEntersTheIndexWithItsContent) {
  {
    PageStore store(db_path());
    PageRecord failed = page("http://a.com/");
    failed.title.clear();
    failed.status = 503;
    failed.error = "http_503";
    store.write(std::span(&failed, 1));
    PageRecord revisit = page("http://a.com/");
    revisit.revisit = true;
    revisit.title = "Opening hours";
    revisit.text = "open every day";
    store.write(std::span(&revisit, 1));
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM pages_fts WHERE pages_fts MATCH 'opening'"), "1");
  EXPECT_EQ(scalar("SELECT indexed FROM pages"), "1");
}

TEST_F(PageStoreTest, DuePagesAreWalkedOnFromACursor) {
  {
    PageStore store(db_path());
    std::vector<PageRecord> batch;
    for (int i = 0; i < 5; ++i) {
      batch.push_back(page("http://a.com/" + std::to_string(i)));
      batch.back().revisit_after_s = 10 + (i % 2);  // two due times, ties broken by id
    }
    store.write(batch);
  }
  std::int64_t later = 1'800'000'000'000;
  auto first = due_pages(db_path(), later, 3);
  ASSERT_EQ(first.size(), 3u);
  auto rest = due_pages(db_path(), later, 3, {first.back().next_visit_ms, first.back().page_id});
  ASSERT_EQ(rest.size(), 2u);
  std::set<std::string> all;
  for (const auto& due : first) all.insert(due.url);
  for (const auto& due : rest) all.insert(due.url);
  EXPECT_EQ(all.size(), 5u);                                        // each once
  EXPECT_TRUE(due_pages(db_path(), 1'700'000'000'000, 3).empty());  // none due yet
}

TEST_F(PageStoreTest, StoresErrorsAndLeavesAbsentFieldsNull) {
  {
    PageStore store(db_path());
    PageRecord failed;
    failed.url = "http://down.test/";
    failed.error = "connect";
    failed.error_detail = "Connection refused";
    store.write(std::span(&failed, 1));
  }
  EXPECT_EQ(scalar("SELECT error FROM pages"), "connect");
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE status IS NULL AND title IS NULL"), "1");
}

TEST_F(PageStoreTest, AFailedBatchWritesNothing) {
  PageStore store(db_path());
  std::vector<PageRecord> batch{page("http://a.com/"), page("http://a.com/")};
  EXPECT_THROW(store.write(batch), StorageError);
  EXPECT_EQ(store.page_count(), 0);
}

TEST_F(PageStoreTest, AfterAFailedBatchLinksToItsUrlsStillWrite) {
  PageStore store(db_path());
  std::vector<PageRecord> failing{page("http://a.com/", {"http://a.com/new"}),
                                  page("http://a.com/")};
  EXPECT_THROW(store.write(failing), StorageError);
  std::vector<PageRecord> next{page("http://a.com/", {"http://a.com/new"})};
  EXPECT_NO_THROW(store.write(next));
  EXPECT_EQ(scalar("SELECT to_url FROM link_urls"), "http://a.com/new");
}

TEST_F(PageStoreTest, ReopeningKeepsWhatWasWritten) {
  {
    PageStore store(db_path());
    auto record = page("http://a.com/");
    store.write(std::span(&record, 1));
  }
  PageStore again(db_path());
  EXPECT_EQ(again.page_count(), 1);
}

TEST_F(PageStoreTest, RefusesAFileThatIsNotADatabaseNamingIt) {
  std::ofstream(db_path()) << std::string(4096, 'x');
  try {
    PageStore store(db_path());
    FAIL() << "opened a text file as a database";
  } catch (const StorageError& e) {
    EXPECT_THAT(e.what(), HasSubstr(db_path()));
  }
}

TEST_F(PageStoreTest, RefusesAnUnwritablePathNamingIt) {
  std::string path = (dir_ / "missing-dir" / "crawl.db").string();
  try {
    PageStore store(path);
    FAIL() << "opened a database in a missing directory";
  } catch (const StorageError& e) {
    EXPECT_THAT(e.what(), HasSubstr(path));
  }
}

TEST_F(PageStoreTest, RefusesADatabaseFromANewerSchema) {
  { PageStore store(db_path()); }
  {
    Database db(db_path(), SQLITE_OPEN_READWRITE);
    db.exec("PRAGMA user_version=99");
  }
  EXPECT_THROW(PageStore store(db_path()), StorageError);
}

TEST_F(PageStoreTest, ReadQueryRefusesWritesAndLeavesTheFileUntouched) {
  {
    PageStore store(db_path());
    auto record = page("http://a.com/");
    store.write(std::span(&record, 1));
  }
  auto none = [](const auto&) {};
  auto reader = open_crawl_reader(db_path());
  EXPECT_THROW(reader->run_query("DELETE FROM pages", none, none), StorageError);
  EXPECT_THROW(reader->run_query("SELECT 1; DELETE FROM pages", none, none), StorageError);
  EXPECT_THROW(reader->run_query("SELEKT nonsense", none, none), StorageError);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "1");
}

TEST_F(PageStoreTest, AReadQueryPastItsTimeoutIsStopped) {
  { PageStore store(db_path()); }
  auto none = [](const auto&) {};
  auto start = std::chrono::steady_clock::now();
  try {
    open_crawl_reader(db_path())->run_query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
        "SELECT count(*) FROM n",
        none, none, std::chrono::milliseconds(200));
    ADD_FAILURE() << "a statement of many seconds finished";
  } catch (const StorageError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("longer than the query timeout (200 ms"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(PageStoreTest, ReadQueryAllowsTrailingSemicolonAndComments) {
  { PageStore store(db_path()); }
  EXPECT_EQ(scalar("SELECT 42; -- the answer\n"), "42");
}

TEST_F(PageStoreTest, QueuedUrlsAreReadBackOriginByOriginOldestFirst) {
  PageStore store(db_path());
  store.queue({"http://b.test/1", "http://a.test/1", "http://b.test:81/2", "http://b.test/3"}, 2);
  PageRecord fetched = page("http://b.test/1");
  store.write(std::span(&fetched, 1));  // done: no longer queued

  QueuedUrlReader reader(db_path());
  EXPECT_EQ(reader.host_after(""), "http://a.test");
  EXPECT_EQ(reader.host_after("http://a.test"), "http://b.test");
  EXPECT_EQ(reader.host_after("http://b.test"), "http://b.test:81");  // another origin
  EXPECT_EQ(reader.host_after("http://b.test:81"), std::nullopt);
  auto urls = reader.oldest("http://b.test", 10);
  ASSERT_EQ(urls.size(), 1u);
  EXPECT_EQ(urls[0].url, "http://b.test/3");
  EXPECT_EQ(urls[0].depth, 2);
  EXPECT_EQ(reader.oldest("http://b.test:81", 10).at(0).url, "http://b.test:81/2");
  EXPECT_EQ(reader.oldest("http://b.test", 1).size(), 1u);
  EXPECT_TRUE(reader.oldest("http://c.test", 10).empty());
}

// The queued count is the database's, kept by the writer: it follows
// queueing (twice is once), fetching, a page found without being queued, a
// rolled-back batch, and a reopening.
TEST_F(PageStoreTest, TheQueuedCountFollowsTheDatabaseWithoutCounting) {
  auto counted = [&] {
    return std::stoll(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"));
  };
  {
    PageStore store(db_path());
    EXPECT_EQ(store.queued_count(), 0);
    store.queue({"http://a.test/1", "http://a.test/2", "http://a.test/3"}, 0);
    store.queue({"http://a.test/1"}, 0);  // known already
    EXPECT_EQ(store.queued_count(), 3);
    PageRecord fetched = page("http://a.test/1");
    fetched.queued = {"http://a.test/4", "http://a.test/2"};
    store.write(std::span(&fetched, 1));  // one done, one new queued
    EXPECT_EQ(store.queued_count(), 3);
    PageRecord unqueued = page("http://b.test/");  // never queued: the count stays
    store.write(std::span(&unqueued, 1));
    EXPECT_EQ(store.queued_count(), 3);
    PageRecord queues = page("http://a.test/2");
    queues.queued = {"http://a.test/5"};
    std::vector<PageRecord> failing{queues, page("http://b.test/")};  // a duplicate page
    EXPECT_THROW(store.write(failing), StorageError);
    EXPECT_EQ(store.queued_count(), 3);
    EXPECT_EQ(store.queued_count(), counted());
  }
  PageStore again(db_path());
  EXPECT_EQ(again.queued_count(), 3);
}

// An operator's order for an origin is kept, the newest replacing the last,
// and read back after a reopening.
TEST_F(PageStoreTest, OriginOrdersAreKeptAndTheNewestWins) {
  {
    PageStore store(db_path());
    EXPECT_TRUE(store.origin_controls().empty());
    PageRecord paused;
    paused.queue_only = true;
    paused.control = OriginControl{"http://a.test", true, false, 2500, 1000};
    PageRecord blocked;
    blocked.queue_only = true;
    blocked.control = OriginControl{"http://b.test:81", false, true, -1, 1001};
    std::vector<PageRecord> batch{paused, blocked};
    store.write(batch);
    paused.control->paused = false;  // resumed later
    paused.control->changed_at_ms = 2000;
    store.write(std::span(&paused, 1));
  }
  PageStore again(db_path());
  auto orders = again.origin_controls();
  ASSERT_EQ(orders.size(), 2u);
  EXPECT_EQ(orders[0].origin, "http://a.test");
  EXPECT_FALSE(orders[0].paused);
  EXPECT_EQ(orders[0].delay_ms, 2500);
  EXPECT_EQ(orders[0].changed_at_ms, 2000);
  EXPECT_EQ(orders[1].origin, "http://b.test:81");
  EXPECT_TRUE(orders[1].blocked);
  EXPECT_EQ(orders[1].delay_ms, -1);
  EXPECT_EQ(again.page_count(), 0);  // an order is no page
}

// The seen walk gives the URLs queued or done, not those only linked to,
// and its count says beforehand how many it will give.
TEST_F(PageStoreTest, TheSeenWalkGivesQueuedAndDoneUrlsAsManyAsItsCountSays) {
  PageStore store(db_path());
  store.queue({"http://a.test/1", "http://a.test/2", "http://b.test/1"}, 1);
  PageRecord fetched = page("http://a.test/1", {"http://c.test/only-linked"});
  store.write(std::span(&fetched, 1));

  SeenReader reader(db_path());
  EXPECT_EQ(reader.count(), 3);
  SeenCursor cursor;
  std::set<std::string> walked;
  for (int chunk = 0; chunk < 10; ++chunk) {
    std::vector<std::string> urls = reader.next(cursor, 2);
    walked.insert(urls.begin(), urls.end());
    if (urls.size() < 2) break;
  }
  EXPECT_EQ(walked,
            (std::set<std::string>{"http://a.test/1", "http://a.test/2", "http://b.test/1"}));
}

}  // namespace
}  // namespace crawler::storage
