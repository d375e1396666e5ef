// PageWriter: what happens to a page the store refuses, and where it writes.
#include "crawler/engine/page_writer.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "crawler/async/offload.hpp"
#include "crawler/async/task_scope.hpp"

#include "storage/crawl_reader.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "tests/crawler/async/co_test.hpp"

namespace crawler {
namespace {

std::filesystem::path scratch_db() {
  auto dir = std::filesystem::temp_directory_path() /
             ("page_writer_test_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir / "crawl.db";
}

std::string state_of(const std::string& db, const std::string& url) {
  std::string state = "absent";
  storage::open_crawl_reader(db)->run_query(
      "SELECT state FROM urls WHERE url = '" + url + "'", [](const storage::QueryColumns&) {},
      [&](const std::vector<storage::Cell>& row) { state = std::get<std::string>(row[0]); });
  return state;
}

storage::PageRecord page(std::string url, std::vector<std::string> queued) {
  storage::PageRecord record;
  record.url = std::move(url);
  record.status = 200;
  record.fetched_at_ms = 1'700'000'000'000;
  record.queued = std::move(queued);
  record.queued_depth = 1;
  return record;
}

// The second record of the same URL breaks pages' one-row-per-URL rule: it
// is refused, and the URL it queued (which the frontier may have left to
// the database alone) is still written down.
CO_TEST(PageWriter, ARefusedPageStillHasTheUrlsItQueuedWritten) {
  std::string db = scratch_db().string();
  {
    storage::SqliteStore store(db);
    PageWriter writer(loop.get(), store, {});
    writer.add(page("http://a.test/", {"http://a.test/first"}));
    writer.add(page("http://a.test/", {"http://a.test/second"}));
    co_await writer.flush();
    EXPECT_EQ(writer.written(), 1u);
    EXPECT_EQ(writer.failed(), 1u);
    EXPECT_FALSE(writer.fatal());
  }
  EXPECT_EQ(state_of(db, "http://a.test/first"), "queued");
  EXPECT_EQ(state_of(db, "http://a.test/second"), "queued");
  std::filesystem::remove_all(std::filesystem::path(db).parent_path());
}

// Another connection (a user's sqlite3 shell, say) holds a write lock for
// longer than SQLite's busy wait: the batch waits and is written after, not
// dropped.
CO_TEST(PageWriter, ABatchHeldUpByAnotherConnectionsLockIsWrittenAfter) {
  std::string db = scratch_db().string();
  {
    storage::SqliteStore store(db);
    storage::Database other(db, SQLITE_OPEN_READWRITE);
    other.exec("BEGIN IMMEDIATE");
    PageWriter writer(loop.get(), store, {});
    writer.add(page("http://a.test/", {"http://a.test/next"}));
    // Released from a thread once the batch and a record alone would both
    // have waited out the busy timeout (5 s each).
    std::thread release([&other] {
      std::this_thread::sleep_for(std::chrono::milliseconds(10500));
      other.exec("COMMIT");
    });
    co_await writer.flush();
    release.join();
    EXPECT_EQ(writer.written(), 1u);
    EXPECT_EQ(writer.failed(), 0u);
    EXPECT_FALSE(writer.fatal());
    EXPECT_GE(writer.batches(), 1u);
  }
  EXPECT_EQ(state_of(db, "http://a.test/"), "done");
  EXPECT_EQ(state_of(db, "http://a.test/next"), "queued");
  std::filesystem::remove_all(std::filesystem::path(db).parent_path());
}

// libuv's pool (four threads) taken by work that does not end soon, parses
// or stuck DNS lookups: the writer, on its own thread, writes on.
CO_TEST(PageWriter, WritesWhileEveryPoolThreadIsTaken) {
  std::string db = scratch_db().string();
  std::mutex mutex;
  std::condition_variable opened;
  bool open = false;
  auto hold = [&] {
    std::unique_lock lock(mutex);
    opened.wait_for(lock, std::chrono::seconds(10), [&] { return open; });
  };
  auto release = [&] {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    opened.notify_all();
  };
  async::TaskScope pool_work;
  for (int i = 0; i < 4; ++i)
    pool_work.spawn([](uv_loop_t* loop, decltype(hold)& hold) -> async::Task<void> {
      co_await async::offload(loop, hold);
    }(loop.get(), hold));
  {
    storage::SqliteStore store(db);
    PageWriter writer(loop.get(), store, {});
    writer.add(page("http://a.test/", {"http://a.test/next"}));
    auto started = std::chrono::steady_clock::now();
    co_await writer.flush();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_EQ(writer.written(), 1u);
    release();
  }
  co_await pool_work.join();
  EXPECT_EQ(state_of(db, "http://a.test/next"), "queued");
  std::filesystem::remove_all(std::filesystem::path(db).parent_path());
}

}  // namespace
}  // namespace crawler
