// open_crawl_reader: the one place a database's name picks the backend that
// reads it. A SQLite file must exist; a PostgreSQL URI is reached only by a
// read; any other scheme is refused, naming what was given.
#include "storage/crawl_reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "storage/postgres/pg_crawl_reader.hpp"
#include "storage/sqlite/page_store.hpp"
#include "storage/sqlite/sqlite_crawl_reader.hpp"

namespace crawler::storage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CrawlReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("crawl_reader_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string db_path() const { return (dir_ / "crawl.db").string(); }

  // The StorageError open_crawl_reader(db) throws; fails the test if none.
  StorageError refusal(const std::string& db) {
    try {
      open_crawl_reader(db);
    } catch (const StorageError& e) {
      return e;
    }
    ADD_FAILURE() << "opened " << db;
    return StorageError("", Failure::kOperation);
  }

  std::filesystem::path dir_;
};

TEST_F(CrawlReaderTest, ASqliteFileIsReadBySqlite) {
  { PageStore store(db_path()); }
  auto reader = open_crawl_reader(db_path());
  EXPECT_NE(dynamic_cast<const SqliteCrawlReader*>(reader.get()), nullptr);
  EXPECT_EQ(reader->name(), db_path());
  EXPECT_EQ(reader->export_count(false), 0);
  EXPECT_EQ(reader->stats().pages, 0);
}

TEST_F(CrawlReaderTest, APostgresUriIsReadByPostgresWithoutConnectingYet) {
  // Port 1: nothing listens there, and opening the reader does not try.
  for (std::string uri : {"postgresql://crawler:s3cret@127.0.0.1:1/crawl",
                          "postgres://crawler:s3cret@127.0.0.1:1/crawl"}) {
    auto reader = open_crawl_reader(uri);
    EXPECT_NE(dynamic_cast<const PgCrawlReader*>(reader.get()), nullptr) << uri;
    EXPECT_THAT(reader->name(), HasSubstr("crawler:***@127.0.0.1:1/crawl"));
    EXPECT_THAT(reader->name(), Not(HasSubstr("s3cret")));
    // The first read reaches for the server and says where it looked.
    try {
      reader->stats();
      ADD_FAILURE() << "read a database on port 1";
    } catch (const StorageError& e) {
      EXPECT_THAT(e.what(), HasSubstr("127.0.0.1:1/crawl"));
      EXPECT_THAT(e.what(), Not(HasSubstr("s3cret")));
    }
  }
}

TEST_F(CrawlReaderTest, AMissingFileIsRefusedNamingIt) {
  std::string missing = (dir_ / "no_such.db").string();
  StorageError e = refusal(missing);
  EXPECT_EQ(e.failure(), Failure::kBadRequest);
  EXPECT_THAT(e.what(), HasSubstr("no database at '" + missing + "'"));
  EXPECT_FALSE(std::filesystem::exists(missing));  // and nothing was created
}

TEST_F(CrawlReaderTest, AnUnknownSchemeIsRefusedNamingTheUriWithoutItsPassword) {
  StorageError e = refusal("mysql://crawler:s3cret@db.example/crawl");
  EXPECT_EQ(e.failure(), Failure::kBadRequest);
  EXPECT_THAT(e.what(), HasSubstr("'mysql://crawler:***@db.example/crawl'"));
  EXPECT_THAT(e.what(), HasSubstr("postgresql://"));  // says what it would read
  EXPECT_THAT(e.what(), Not(HasSubstr("s3cret")));
  // Scheme names are case-sensitive here, as libpq's are.
  EXPECT_EQ(refusal("PostgreSQL://h/crawl").failure(), Failure::kBadRequest);
  EXPECT_EQ(refusal("sqlite:///tmp/crawl.db").failure(), Failure::kBadRequest);
}

TEST_F(CrawlReaderTest, APathThatOnlyLooksLikeAUriIsAFile) {
  // "://" after something that is not a scheme: a (missing) file, not a URI.
  StorageError e = refusal((dir_ / "a b://c").string());
  EXPECT_THAT(e.what(), HasSubstr("no database at"));
}

}  // namespace
}  // namespace crawler::storage
