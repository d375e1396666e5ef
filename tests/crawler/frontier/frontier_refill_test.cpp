// read_refill against a real database: the walk over hosts, its cursor, its
// budget and the hosts it skips.
#include "crawler/frontier/frontier_refill.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "storage/sqlite/sqlite_store.hpp"

namespace crawler {
namespace {

class FrontierRefillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("frontier_refill_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    storage::PageStore store(path());
    // Hosts a..e, three queued URLs each.
    std::vector<std::string> urls;
    for (char host = 'a'; host <= 'e'; ++host)
      for (int i = 0; i < 3; ++i)
        urls.push_back(std::string("http://") + host + ".test/" + std::to_string(i));
    store.queue(urls, 1);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path() const { return (dir_ / "crawl.db").string(); }

  static std::vector<std::string> hosts_of(const RefillRows& rows) {
    std::vector<std::string> names;
    for (const auto& host : rows.hosts) names.push_back(host.name);
    return names;
  }

  std::filesystem::path dir_;
};

RefillPlan walk(std::string after, std::size_t room, std::size_t window = 10) {
  RefillPlan plan;
  plan.walk = true;
  plan.after_host = std::move(after);
  plan.room = room;
  plan.host_window = window;
  return plan;
}

TEST_F(FrontierRefillTest, AWalkWithRoomReadsEveryHostInFull) {
  storage::SqliteStore reader(path());
  RefillRows rows = read_refill(reader, walk("", 100));
  EXPECT_TRUE(rows.walked_all);
  EXPECT_EQ(hosts_of(rows),
            (std::vector<std::string>{"http://a.test", "http://b.test", "http://c.test",
                                      "http://d.test", "http://e.test"}));
  for (const auto& host : rows.hosts) {
    EXPECT_TRUE(host.all);
    ASSERT_EQ(host.urls.size(), 3u);
    EXPECT_EQ(host.urls[0].url, host.name + "/0");
  }
}

TEST_F(FrontierRefillTest, AWalkStopsAtItsRoomAndTheNextGoesOnAroundToWhereItBegan) {
  storage::SqliteStore reader(path());
  RefillRows first = read_refill(reader, walk("", 5));
  EXPECT_FALSE(first.walked_all);
  EXPECT_EQ(hosts_of(first), (std::vector<std::string>{"http://a.test", "http://b.test"}));
  EXPECT_EQ(first.last_host, "http://b.test");

  RefillRows second = read_refill(reader, walk(first.last_host, 100));
  EXPECT_TRUE(second.walked_all);
  EXPECT_EQ(hosts_of(second),
            (std::vector<std::string>{"http://c.test", "http://d.test", "http://e.test",
                                      "http://a.test", "http://b.test"}));
}

TEST_F(FrontierRefillTest, HeldUrlsDoNotUseUpTheRoomAndFullHostsAreSkipped) {
  storage::SqliteStore reader(path());
  RefillPlan plan = walk("", 3, 2);
  plan.held = 9;  // as many rows again may come back held
  plan.full_hosts = {"http://b.test", "http://d.test"};
  plan.hosts_first = {"http://d.test"};  // asked for by name: read even though listed full
  RefillRows rows = read_refill(reader, plan);
  EXPECT_EQ(hosts_of(rows), (std::vector<std::string>{"http://d.test", "http://a.test",
                                                      "http://c.test", "http://e.test"}));
  EXPECT_TRUE(rows.walked_all);
  for (const auto& host : rows.hosts) {
    EXPECT_EQ(host.urls.size(), 2u);  // the window
    EXPECT_FALSE(host.all);
  }
}

}  // namespace
}  // namespace crawler
