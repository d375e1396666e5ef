// CrawlTest: the fixture of the integration tests. Each test gets its own
// directory with a seeds file and a database, options with politeness
// delays turned down, and helpers to read what landed in SQLite.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "config/crawl_options.hpp"
#include "crawler/async/loop.hpp"
#include "crawler/async/run.hpp"
#include "crawler/engine/crawl_engine.hpp"
#include "storage/crawl_reader.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "tests/support/test_server.hpp"

namespace crawler {

using crawler::testing::TestServer;

class CrawlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("crawl_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    options_.db_path = (dir_ / "crawl.db").string();
    options_.seeds_path = (dir_ / "seeds.txt").string();
    options_.concurrency = 16;
    options_.per_host = 16;
    // Politeness is tested on its own; elsewhere it would only slow tests down.
    options_.delay_ms = 0;
    options_.backoff_base_ms = 10;
    options_.backoff_cap_ms = 50;
    options_.robots_retry_ms = 20;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Crawls from `seeds` with options_ through the engine itself, on a fresh
  // loop that must close clean.
  CrawlSummary crawl_with_engine(std::vector<std::string> seeds) {
    storage::SqliteStore store(options_.db_path);
    async::Loop loop;
    CrawlSummary summary;
    {
      CrawlEngine engine(loop, options_, store);
      summary = async::run_until_done(loop, engine.run(std::move(seeds)));
    }
    EXPECT_EQ(loop.close(), 0) << "a libuv handle was left open";
    return summary;
  }

  // The durable frontier agrees with the pages after a finished crawl: none
  // left queued, every stored page's URL done and every done URL stored.
  // (A URL cannot have two rows, pages.url_id is UNIQUE: whether a page was
  // fetched twice shows only at the server, see fetch_counts.hpp.)
  void expect_states_consistent() {
    EXPECT_EQ(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "0");
    EXPECT_EQ(scalar("SELECT count(*) FROM urls u LEFT JOIN pages p ON p.url_id = u.id"
                     " WHERE u.state = 'done' AND p.id IS NULL"),
              "0");
    EXPECT_EQ(scalar("SELECT count(*) FROM pages p JOIN urls u ON u.id = p.url_id"
                     " WHERE u.state <> 'done'"),
              "0");
  }

  // The database and its WAL files: the next crawl starts afresh.
  void remove_database() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(options_.db_path + suffix);
  }

  void write_seeds(const std::vector<std::string>& urls) {
    std::ofstream out(options_.seeds_path);
    for (const auto& url : urls) out << url << "\n";
  }

  // The reader of `db` (the crawl's own database by default), as the read
  // commands open it.
  std::unique_ptr<storage::CrawlReader> reader(const std::string& db = "") {
    return storage::open_crawl_reader(db.empty() ? options_.db_path : db);
  }

  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    std::vector<std::vector<std::string>> out;
    reader()->run_query(
        sql, [](const storage::QueryColumns&) {},
        [&](const std::vector<storage::Cell>& row) {
          std::vector<std::string> texts;
          for (const auto& cell : row) {
            if (auto* i = std::get_if<std::int64_t>(&cell)) {
              texts.push_back(std::to_string(*i));
            } else if (auto* s = std::get_if<std::string>(&cell)) {
              texts.push_back(*s);
            } else {
              texts.push_back("NULL");
            }
          }
          out.push_back(std::move(texts));
        });
    return out;
  }
  std::string scalar(const std::string& sql) { return rows(sql).at(0).at(0); }
  std::vector<std::string> column(const std::string& sql) {
    std::vector<std::string> out;
    for (auto& row : rows(sql)) out.push_back(row.at(0));
    return out;
  }

  std::filesystem::path dir_;
  config::CrawlOptions options_;
};

// Requests the server saw whose target starts with `prefix`.
inline std::vector<testing::RequestRecord> requests_for(const TestServer& server,
                                                        const std::string& prefix) {
  std::vector<testing::RequestRecord> out;
  for (auto& request : server.requests())
    if (request.target.starts_with(prefix)) out.push_back(request);
  return out;
}

}  // namespace crawler
