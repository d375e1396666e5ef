#include "config/seeds_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace crawler::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class SeedsFileTest : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    std::ofstream(path_) << text;
    return path_.string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::filesystem::path path_ =
      std::filesystem::temp_directory_path() / ("seeds_" + std::to_string(::getpid()) + ".txt");
};

TEST_F(SeedsFileTest, ReadsUrlsSkippingBlankLinesAndComments) {
  auto seeds = load_seed_list(write("# comment\n\nhttp://A.com\n  https://b.org/x  \n"));
  EXPECT_EQ(seeds.error, "");
  EXPECT_THAT(seeds.urls, ElementsAre("http://a.com/", "https://b.org/x"));
  EXPECT_TRUE(seeds.warnings.empty());
}

TEST_F(SeedsFileTest, WarnsWithTheLineNumberOfABadLine) {
  auto seeds = load_seed_list(write("http://a.com/\nftp://b.org/\nnot a url\n"));
  EXPECT_THAT(seeds.urls, ElementsAre("http://a.com/"));
  ASSERT_EQ(seeds.warnings.size(), 2u);
  EXPECT_THAT(seeds.warnings[0], HasSubstr(":2:"));
  EXPECT_THAT(seeds.warnings[1], HasSubstr(":3:"));
}

TEST_F(SeedsFileTest, DropsDuplicateSeeds) {
  auto seeds = load_seed_list(write("http://a.com/\nhttp://A.COM:80/#x\n"));
  EXPECT_THAT(seeds.urls, ElementsAre("http://a.com/"));
}

TEST_F(SeedsFileTest, AFileWithoutValidUrlsIsAnErrorNamingIt) {
  std::string path = write("# nothing\nmailto:x@y.z\n");
  auto seeds = load_seed_list(path);
  EXPECT_THAT(seeds.error, HasSubstr(path));
}

TEST_F(SeedsFileTest, AMissingFileIsAnErrorNamingIt) {
  auto seeds = load_seed_list("/nonexistent/seeds.txt");
  EXPECT_THAT(seeds.error, HasSubstr("/nonexistent/seeds.txt"));
}

TEST_F(SeedsFileTest, ADirectoryIsAnError) {
  auto seeds = load_seed_list(std::filesystem::temp_directory_path().string());
  EXPECT_FALSE(seeds.error.empty());
}

}  // namespace
}  // namespace crawler::config
