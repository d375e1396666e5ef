// log: text and JSON lines, levels, fields.
#include "crawler/base/log.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace crawler::log {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// Logs into a temporary file; restores the defaults afterwards.
class LogTest : public ::testing::Test {
 protected:
  void SetUp() override { file_ = std::tmpfile(); }
  void TearDown() override {
    configure({});
    std::fclose(file_);
  }
  void use(Level level, bool json) { configure({level, json, file_}); }
  std::string written() {
    std::string text;
    std::rewind(file_);
    for (int c; (c = std::fgetc(file_)) != EOF;) text += static_cast<char>(c);
    return text;
  }
  std::FILE* file_ = nullptr;
};

TEST_F(LogTest, TextLinesNameTheirLevelExceptInfo) {
  use(Level::kDebug, false);
  info("resuming");
  warning("robots.txt unreachable");
  error("disk full");
  write(Level::kInfo, "progress", {{"pages", "12"}, {"pages_per_second", "3.5"}});
  EXPECT_EQ(written(),
            "crawler: resuming\n"
            "crawler: warning: robots.txt unreachable\n"
            "crawler: error: disk full\n"
            "crawler: progress pages=12 pages_per_second=3.5\n");
}

TEST_F(LogTest, LinesBelowTheLevelAreDropped) {
  use(Level::kWarning, false);
  debug("noise");
  info("chatter");
  warning("kept");
  EXPECT_EQ(written(), "crawler: warning: kept\n");
}

TEST_F(LogTest, JsonLinesCarryTimeLevelMessageAndFieldsAsNumbers) {
  use(Level::kInfo, true);
  warning("a \"quoted\" word\nand a newline");
  write(Level::kInfo, "progress", {{"pages", "12"}, {"pages_per_second", "3.5"}});
  std::string text = written();
  auto newline = text.find('\n');
  ASSERT_NE(newline, std::string::npos);
  std::string first = text.substr(0, newline);
  std::string second = text.substr(newline + 1);
  EXPECT_THAT(first, MatchesRegex(R"(\{"time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z",.*)"));
  EXPECT_THAT(first, HasSubstr(R"("level":"warning","msg":"a \"quoted\" word\nand a newline"})"));
  EXPECT_THAT(second,
              HasSubstr(R"("level":"info","msg":"progress","pages":12,"pages_per_second":3.5})"
                        "\n"));
}

TEST_F(LogTest, LevelsParseByName) {
  EXPECT_EQ(parse_level("debug"), Level::kDebug);
  EXPECT_EQ(parse_level("warn"), Level::kWarning);
  EXPECT_EQ(parse_level("error"), Level::kError);
  EXPECT_EQ(parse_level("loud"), std::nullopt);
}

}  // namespace
}  // namespace crawler::log
