#include "crawler/service/progress_bar.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace crawler {
namespace {

TEST(ProgressBarTest, FillsInProportionAndShowsTheCount) {
  EXPECT_EQ(progress_bar(0, 1000, 10), "[----------]   0% 0/1000");
  EXPECT_EQ(progress_bar(400, 1000, 10), "[####------]  40% 400/1000");
  EXPECT_EQ(progress_bar(1000, 1000, 10), "[##########] 100% 1000/1000");
  // Past the total (pages in flight when the bound was reached) stays full.
  EXPECT_EQ(progress_bar(1003, 1000, 10), "[##########] 100% 1003/1000");
  EXPECT_EQ(progress_bar(0, 0, 4), "[####] 100% 0/0");
}

TEST(ProgressBarTest, EstimatesTimeLeftInMinutesAndHours) {
  EXPECT_EQ(eta_text(0), "0:00");
  EXPECT_EQ(eta_text(247), "4:07");
  EXPECT_EQ(eta_text(3 * 3600 + 5 * 60 + 9), "3:05:09");
  EXPECT_EQ(eta_text(-1), "?");
  EXPECT_EQ(eta_text(1e12), "?");
}

TEST(ProgressBarTest, DrawsNothingWhereNoTerminalWatches) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    TerminalProgress bar("export", 10, file);
    for (std::size_t i = 1; i <= 10; ++i) bar.update(i);
  }
  EXPECT_EQ(std::ftell(file), 0L);
  std::fclose(file);
}

}  // namespace
}  // namespace crawler
