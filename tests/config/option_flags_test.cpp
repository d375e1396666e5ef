// The flags derived from the option table: every option has one, it sets
// its key as the environment variable would, bad values are refused naming
// the flag, and the old millisecond spellings still work, with a warning.
#include "config/option_flags.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/option_table.hpp"

namespace crawler::config {
namespace {

using ::testing::HasSubstr;

// Parses `args` as the serve command's flags into a default CrawlOptions.
CrawlOptions parse(std::vector<std::string> args) {
  CLI::App app;
  CrawlOptions options;
  add_option_flags(app, options, true);
  std::vector<const char*> argv = {"crawler"};
  for (const auto& arg : args) argv.push_back(arg.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  return options;
}

// A value of the option other than its default, as a flag argument and as
// the TOML literal it must read back as.
struct Sample {
  std::vector<std::string> args;
  std::string toml;
};

Sample sample(const Option& option) {
  std::string flag(option.flag);
  switch (option.kind) {
    case Kind::kBoolean:
      return {{flag}, option.flag_sets ? "true" : "false"};
    case Kind::kInteger:
      return {{flag, std::to_string(option.min + 1)}, std::to_string(option.min + 1)};
    case Kind::kSeconds:
      return {{flag, "12.5"}, "12.5"};
    case Kind::kSize:
      return option.unit == 1 ? Sample{{flag, "3KiB"}, "3072"} : Sample{{flag, "2GiB"}, "2048"};
    case Kind::kString:
      return {{flag, "some value"}, "\"some value\""};
    case Kind::kChoice:
      return {{flag, std::string(option.choices.back())}, quote(option.choices.back())};
    case Kind::kStringList:
      return {{flag, "a,b", flag, "c"}, R"(["a,b", "c"])"};
  }
  return {};
}

TEST(OptionFlagsTest, EveryOptionHasOneFlagThatSetsIt) {
  std::set<std::string_view> flags;
  for (const Option& option : options_table()) {
    EXPECT_TRUE(flags.insert(option.flag).second) << "two options use " << option.flag;
    Sample s = sample(option);
    CrawlOptions parsed;
    try {
      parsed = parse(s.args);
    } catch (const CLI::ParseError& e) {
      ADD_FAILURE() << option.key << ": " << e.what();
      continue;
    }
    EXPECT_EQ(toml_text(option, parsed).value_or("unset"), s.toml) << option.key;
  }
}

// Where each effective value came from: a flag over the environment over
// the file over the default.
TEST(OptionFlagsTest, EachOptionsSourceIsTheFlagTheEnvironmentTheFileOrTheDefault) {
  CrawlOptions defaults;
  CrawlOptions after_file;
  after_file.concurrency = 7;  // limits.concurrency, from the file
  after_file.per_host = 5;     // politeness.per_host, from the file, then the environment
  after_file.delay_ms = 3000;  // politeness.delay, from the file, then a flag
  CLI::App app;
  CrawlOptions effective = after_file;
  effective.per_host = 3;
  add_option_flags(app, effective, true);
  std::vector<const char*> argv = {"crawler", "--delay", "2"};
  app.parse(static_cast<int>(argv.size()), argv.data());
  auto env = [](const char* name) -> const char* {
    return std::string_view(name) == "CRAWLER_POLITENESS_PER_HOST" ? "3" : nullptr;
  };
  auto sources = option_sources(
      defaults, after_file, effective, [&](const Option& o) { return flag_given(app, o); }, env);
  ASSERT_EQ(sources.size(), options_table().size());
  std::map<std::string, std::pair<std::string, std::string>> by_key;
  for (const auto& s : sources) by_key[s.key] = {s.value, s.source};
  EXPECT_EQ(by_key["politeness.delay"], std::make_pair(std::string("2.0"), std::string("flag")));
  EXPECT_EQ(by_key["politeness.per_host"].second, "environment");
  EXPECT_EQ(by_key["politeness.per_host"].first, "3");
  EXPECT_EQ(by_key["limits.concurrency"], std::make_pair(std::string("7"), std::string("file")));
  EXPECT_EQ(by_key["failures.retries"].second, "default");
}

TEST(OptionFlagsTest, RefusesABadValueNamingTheFlagAndTheRange) {
  try {
    parse({"--delay", "99999"});
    FAIL() << "--delay 99999 was taken";
  } catch (const CLI::ValidationError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("--delay"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("out of range (0.0..3600.0)"));
  }
  EXPECT_THROW(parse({"--max-body-bytes", "10 parsecs"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--scope", "planet"}), CLI::ValidationError);
}

TEST(OptionFlagsTest, OldMillisecondFlagsStillWorkWithAWarning) {
  ::testing::internal::CaptureStderr();
  CrawlOptions parsed = parse({"--timeout-ms", "2500", "--backoff-ms", "10"});
  std::string warnings = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(parsed.total_timeout_ms, 2500);
  EXPECT_EQ(parsed.backoff_base_ms, 10);
  EXPECT_THAT(warnings, HasSubstr("--timeout-ms (milliseconds) is deprecated"));
  EXPECT_THAT(warnings, HasSubstr("use --timeout SECONDS"));
}

// `--flag=false` gives the opposite of `--flag`, so a flag can undo a
// setting of the config file either way.
TEST(OptionFlagsTest, ABooleanFlagTakesAnExplicitValue) {
  EXPECT_TRUE(parse({"--keep-raw"}).keep_raw);
  EXPECT_FALSE(parse({"--keep-raw=false"}).keep_raw);
  EXPECT_FALSE(parse({"--ignore-robots"}).obey_robots);
  EXPECT_TRUE(parse({"--ignore-robots=false"}).obey_robots);
}

TEST(OptionFlagsTest, RefusesSizesPastWhatTheFieldHolds) {
  EXPECT_THROW(parse({"--max-body-bytes", "9223372036854775807"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--max-body-bytes", "100000PiB"}), CLI::ValidationError);
  EXPECT_EQ(parse({"--max-body-bytes", "1.5KB"}).max_body_bytes, 1500u);
  EXPECT_EQ(parse({"--seen-memory", "128"}).seen_memory_mb, 128u);
}

TEST(OptionFlagsTest, ServeFlagsBelongToServeOnly) {
  CLI::App app;
  CrawlOptions options;
  add_option_flags(app, options, false);
  const char* argv[] = {"crawler", "--listen", "127.0.0.1:1"};
  EXPECT_THROW(app.parse(3, argv), CLI::ParseError);
  EXPECT_EQ(parse({"--listen", "127.0.0.1:1"}).listen, "127.0.0.1:1");
}

}  // namespace
}  // namespace crawler::config
