// Tests config/config_file.cpp (and the thin config/config_command.cpp): every
// kind of error names file:line (or the variable) and the full dotted key,
// nothing is applied on error, file < environment < later flags, the example
// file reads back as the defaults, and docs/config.md documents every key.
#include "config/config_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "config/config_command.hpp"
#include "config/option_table.hpp"

#ifndef CRAWLER_SOURCE_DIR
#error "CRAWLER_SOURCE_DIR must name the repository root (compile definition)"
#endif

namespace crawler::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// Every field, for whole-struct comparisons. A field added to CrawlOptions
// belongs here too.
auto fields(const CrawlOptions& o) {
  return std::tie(o.seeds_path, o.db_path, o.concurrency, o.max_pages, o.max_depth,
                  o.frontier_memory_urls, o.host_window, o.seen_memory_mb, o.per_host, o.delay_ms,
                  o.obey_robots, o.max_crawl_delay_ms, o.user_agent, o.max_retries,
                  o.backoff_base_ms, o.backoff_cap_ms, o.robots_retry_ms, o.grace_ms,
                  o.db_outage_ms, o.lease_ms, o.lease_hosts, o.connect_timeout_ms,
                  o.total_timeout_ms, o.low_speed_bytes, o.low_speed_time_s, o.max_body_bytes,
                  o.max_redirects, o.follow_nofollow, o.use_sitemaps, o.scope, o.include, o.exclude,
                  o.max_url_length, o.max_repeated_segments, o.max_path_depth, o.max_query_params,
                  o.max_pages_per_host, o.log_level, o.log_format);
}

// Options with every field away from its default.
CrawlOptions scrambled() {
  CrawlOptions o;
  o.seeds_path = "s.txt";
  o.db_path = "d.db";
  o.concurrency = 7;
  o.max_pages = 7;
  o.max_depth = 7;
  o.frontier_memory_urls = 777;
  o.host_window = 7;
  o.seen_memory_mb = 7;
  o.per_host = 7;
  o.delay_ms = 7;
  o.obey_robots = false;
  o.max_crawl_delay_ms = 7;
  o.user_agent = "x";
  o.max_retries = 7;
  o.backoff_base_ms = 7;
  o.backoff_cap_ms = 7;
  o.robots_retry_ms = 7;
  o.grace_ms = 7;
  o.db_outage_ms = 7000;
  o.lease_ms = 7000;
  o.lease_hosts = 7;
  o.connect_timeout_ms = 7;
  o.total_timeout_ms = 7;
  o.low_speed_bytes = 7;
  o.low_speed_time_s = 7;
  o.max_body_bytes = 7;
  o.max_redirects = 7;
  o.follow_nofollow = true;
  o.use_sitemaps = false;
  o.scope = "any";
  o.include = {"i"};
  o.exclude = {"e"};
  o.max_url_length = 7;
  o.max_repeated_segments = 7;
  o.max_path_depth = 7;
  o.max_query_params = 7;
  o.max_pages_per_host = 7;
  o.log_level = "error";
  o.log_format = "json";
  return o;
}

class ConfigFileTest : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    std::ofstream(path_, std::ios::binary) << text;
    return path_.string();
  }
  // The error message of applying `text`, or "" when it applied.
  std::string error_of(const std::string& text) {
    CrawlOptions options;
    auto error = apply_config_file(write(text), options);
    return error ? error->message : "";
  }
  std::string at(int line) const { return path_.string() + ":" + std::to_string(line) + ": "; }
  void TearDown() override { std::filesystem::remove(path_); }

  std::filesystem::path path_ =
      std::filesystem::temp_directory_path() / ("crawler_" + std::to_string(::getpid()) + ".toml");
};

// ---- the file: values -------------------------------------------------------

TEST_F(ConfigFileTest, AppliesEveryKindOfValue) {
  CrawlOptions o;
  auto error = apply_config_file(write(R"(
seeds = "my-seeds.txt"
database = "out.db"

[limits]
concurrency = 32
max_pages = 500
max_depth = 0

[politeness]
per_host = 2
delay = 0.25
max_crawl_delay = 5
user_agent = "mybot/1.0"

[robots]
obey = false

[failures]
retries = 0
backoff = 1.5
max_backoff = 60
robots_retry = 30
grace = 2

[transfers]
connect_timeout = 3
timeout = 0.5
low_speed_bytes = 0
low_speed_time = 10
max_body_bytes = 1024
max_redirects = 0
follow_nofollow = true
sitemaps = false

[scope]
mode = "domain"
include = ["^https://a\\.com/", '/docs/']
exclude = []
max_url_length = 100
max_repeated_segments = 2
max_path_depth = 8
max_query_params = 4
max_pages_per_host = 50
)"),
                                 o);
  ASSERT_FALSE(error) << error->message;
  EXPECT_EQ(o.seeds_path, "my-seeds.txt");
  EXPECT_EQ(o.db_path, "out.db");
  EXPECT_EQ(o.concurrency, 32u);
  EXPECT_EQ(o.max_pages, 500u);
  EXPECT_EQ(o.max_depth, 0);
  EXPECT_EQ(o.per_host, 2u);
  EXPECT_EQ(o.delay_ms, 250);
  EXPECT_EQ(o.max_crawl_delay_ms, 5000);
  EXPECT_EQ(o.user_agent, "mybot/1.0");
  EXPECT_FALSE(o.obey_robots);
  EXPECT_EQ(o.max_retries, 0);
  EXPECT_EQ(o.backoff_base_ms, 1500);
  EXPECT_EQ(o.backoff_cap_ms, 60'000);
  EXPECT_EQ(o.robots_retry_ms, 30'000);
  EXPECT_EQ(o.grace_ms, 2000);
  EXPECT_EQ(o.connect_timeout_ms, 3000);
  EXPECT_EQ(o.total_timeout_ms, 500);
  EXPECT_EQ(o.low_speed_bytes, 0);
  EXPECT_EQ(o.low_speed_time_s, 10);
  EXPECT_EQ(o.max_body_bytes, 1024u);
  EXPECT_EQ(o.max_redirects, 0);
  EXPECT_TRUE(o.follow_nofollow);
  EXPECT_FALSE(o.use_sitemaps);
  EXPECT_EQ(o.scope, "domain");
  EXPECT_THAT(o.include, ElementsAre("^https://a\\.com/", "/docs/"));
  EXPECT_THAT(o.exclude, IsEmpty());
  EXPECT_EQ(o.max_url_length, 100u);
  EXPECT_EQ(o.max_repeated_segments, 2);
  EXPECT_EQ(o.max_path_depth, 8);
  EXPECT_EQ(o.max_query_params, 4);
  EXPECT_EQ(o.max_pages_per_host, 50u);
}

TEST_F(ConfigFileTest, KeysAbsentFromTheFileKeepTheirValue) {
  CrawlOptions o = scrambled();
  ASSERT_FALSE(apply_config_file(write("[limits]\nconcurrency = 3\n"), o));
  CrawlOptions expected = scrambled();
  expected.concurrency = 3;
  EXPECT_EQ(fields(o), fields(expected));
}

TEST_F(ConfigFileTest, AnEmptyFileChangesNothing) {
  CrawlOptions o = scrambled();
  ASSERT_FALSE(apply_config_file(write(""), o));
  EXPECT_EQ(fields(o), fields(scrambled()));
}

TEST_F(ConfigFileTest, DottedKeysAndInlineTablesMeanTheSameAsSections) {
  CrawlOptions o;
  ASSERT_FALSE(apply_config_file(write("politeness.delay = 2\nrobots = { obey = false }\n"), o));
  EXPECT_EQ(o.delay_ms, 2000);
  EXPECT_FALSE(o.obey_robots);
}

TEST_F(ConfigFileTest, SecondsAreRoundedToTheNearestMillisecond) {
  CrawlOptions o;
  ASSERT_FALSE(apply_config_file(write("[politeness]\ndelay = 1.0005\n"), o));
  EXPECT_EQ(o.delay_ms, 1001);
}

// ---- the file: errors -------------------------------------------------------

TEST_F(ConfigFileTest, AnUnreadableFileIsAnErrorNamingThePath) {
  CrawlOptions o;
  auto error = apply_config_file("/nonexistent/crawler.toml", o);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message, "/nonexistent/crawler.toml: cannot read: No such file or directory");
}

TEST_F(ConfigFileTest, ADirectoryIsAnError) {
  CrawlOptions o;
  auto dir = std::filesystem::temp_directory_path().string();
  auto error = apply_config_file(dir, o);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message, dir + ": cannot read: is a directory");
}

TEST_F(ConfigFileTest, ATomlSyntaxErrorNamesTheLine) {
  EXPECT_THAT(error_of("[limits]\nconcurrency = = 3\n"), StartsWith(at(2) + "TOML syntax: "));
}

TEST_F(ConfigFileTest, AnUnknownKeyIsAnErrorWithASuggestion) {
  EXPECT_EQ(error_of("[politeness]\nper_host = 1\ndealy = 2\n"),
            at(3) + "unknown key 'politeness.dealy' (did you mean 'politeness.delay'?)");
}

TEST_F(ConfigFileTest, AnUnknownTopLevelKeyIsAnError) {
  EXPECT_EQ(error_of("\nfoo = 1\n"), at(2) + "unknown key 'foo'");
}

TEST_F(ConfigFileTest, AnUnknownSectionIsAnError) {
  EXPECT_EQ(error_of("[limits]\nconcurrency = 2\n\n[polite]\ndelay = 1\n"),
            at(4) + "unknown section 'polite'");
}

TEST_F(ConfigFileTest, ASectionGivenAsAValueIsAnError) {
  EXPECT_EQ(error_of("limits = 5\n"), at(1) + "key 'limits': expected a table, got an integer");
}

TEST_F(ConfigFileTest, AWrongTypeNamesTheExpectedAndTheGivenType) {
  EXPECT_EQ(error_of("[politeness]\n\ndelay = \"1\"\n"),
            at(3) + "key 'politeness.delay': expected a number (seconds), got a string");
  EXPECT_EQ(error_of("[robots]\nobey = 1\n"),
            at(2) + "key 'robots.obey': expected a boolean, got an integer");
  EXPECT_EQ(error_of("seeds = 3\n"), at(1) + "key 'seeds': expected a string, got an integer");
  EXPECT_EQ(error_of("[scope]\ninclude = \"x\"\n"),
            at(2) + "key 'scope.include': expected an array of strings, got a string");
}

TEST_F(ConfigFileTest, AFloatWhereAnIntegerBelongsIsAnError) {
  EXPECT_EQ(error_of("[limits]\nconcurrency = 2.0\n"),
            at(2) + "key 'limits.concurrency': expected an integer, got a float");
}

TEST_F(ConfigFileTest, AnOutOfRangeValueNamesTheRange) {
  EXPECT_EQ(error_of("[limits]\nconcurrency = 0\n"),
            at(2) + "key 'limits.concurrency': 0 is out of range (1..20000)");
  EXPECT_EQ(error_of("[limits]\nconcurrency = 20001\n"),
            at(2) + "key 'limits.concurrency': 20001 is out of range (1..20000)");
  EXPECT_EQ(error_of("[limits]\nmax_depth = -1\n"),
            at(2) + "key 'limits.max_depth': -1 is out of range (at least 0)");
  EXPECT_EQ(error_of("[politeness]\ndelay = -0.5\n"),
            at(2) + "key 'politeness.delay': -0.5 is out of range (0.0..3600.0)");
  EXPECT_EQ(error_of("[transfers]\ntimeout = 0\n"),
            at(2) + "key 'transfers.timeout': 0 is out of range (0.001..86400.0)");
  EXPECT_EQ(error_of("[failures]\nretries = 101\n"),
            at(2) + "key 'failures.retries': 101 is out of range (0..100)");
  EXPECT_EQ(error_of("[politeness]\ndelay = nan\n"),
            at(2) + "key 'politeness.delay': nan is out of range (0.0..3600.0)");
}

TEST_F(ConfigFileTest, AScopeModeOutsideTheSetIsAnError) {
  EXPECT_EQ(error_of("[scope]\nmode = \"site\"\n"),
            at(2) + R"(key 'scope.mode': expected one of "host", "domain", "any", got "site")");
}

TEST_F(ConfigFileTest, AnEmptyStringIsAnError) {
  EXPECT_EQ(error_of("[politeness]\nuser_agent = \"\"\n"),
            at(2) + "key 'politeness.user_agent': expected a non-empty string");
}

TEST_F(ConfigFileTest, ANonStringListElementNamesItsOwnLine) {
  EXPECT_EQ(error_of("[scope]\nexclude = [\n  \"a\",\n  2,\n]\n"),
            at(4) + "key 'scope.exclude': element 2: expected a string, got an integer");
}

TEST_F(ConfigFileTest, NothingIsAppliedWhenThereIsAnError) {
  CrawlOptions o = scrambled();
  auto error = apply_config_file(write("[limits]\nconcurrency = 3\n[scope]\nmode = \"x\"\n"), o);
  ASSERT_TRUE(error);
  EXPECT_EQ(fields(o), fields(scrambled()));
}

// ---- the environment --------------------------------------------------------

// A fake environment: `vars` lives as long as the returned function.
std::function<const char*(const char*)> fake_env(const std::map<std::string, std::string>& vars) {
  return [&vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

std::string env_error_of(const std::map<std::string, std::string>& vars) {
  CrawlOptions o;
  auto error = apply_environment(o, fake_env(vars));
  return error ? error->message : "";
}

TEST(EnvironmentTest, VariableNamesAreTheDottedKeyUpperCased) {
  EXPECT_EQ(environment_variable("limits.max_pages"), "CRAWLER_LIMITS_MAX_PAGES");
  EXPECT_EQ(environment_variable("seeds"), "CRAWLER_SEEDS");
}

TEST(EnvironmentTest, AppliesValuesParsedByTheKeysType) {
  std::map<std::string, std::string> vars = {
      {"CRAWLER_SEEDS", "env-seeds.txt"},
      {"CRAWLER_LIMITS_CONCURRENCY", "32"},
      {"CRAWLER_LIMITS_MAX_PAGES", " 10 "},
      {"CRAWLER_POLITENESS_DELAY", "0.5"},
      {"CRAWLER_ROBOTS_OBEY", "false"},
      {"CRAWLER_TRANSFERS_FOLLOW_NOFOLLOW", "1"},
      {"CRAWLER_TRANSFERS_SITEMAPS", "FALSE"},
      {"CRAWLER_SCOPE_MODE", "any"},
      {"CRAWLER_SCOPE_EXCLUDE", "a, b\\,c ,,\\.pdf$"},
  };
  CrawlOptions o;
  auto error = apply_environment(o, fake_env(vars));
  ASSERT_FALSE(error) << error->message;
  EXPECT_EQ(o.seeds_path, "env-seeds.txt");
  EXPECT_EQ(o.concurrency, 32u);
  EXPECT_EQ(o.max_pages, 10u);
  EXPECT_EQ(o.delay_ms, 500);
  EXPECT_FALSE(o.obey_robots);
  EXPECT_TRUE(o.follow_nofollow);
  EXPECT_FALSE(o.use_sitemaps);
  EXPECT_EQ(o.scope, "any");
  EXPECT_THAT(o.exclude, ElementsAre("a", "b,c", "\\.pdf$"));
}

TEST(EnvironmentTest, UnsetAndEmptyVariablesChangeNothing) {
  std::map<std::string, std::string> vars = {{"CRAWLER_LIMITS_CONCURRENCY", ""}};
  CrawlOptions o = scrambled();
  ASSERT_FALSE(apply_environment(o, fake_env(vars)));
  EXPECT_EQ(fields(o), fields(scrambled()));
}

TEST(EnvironmentTest, ErrorsNameTheVariableAndTheKey) {
  EXPECT_EQ(env_error_of({{"CRAWLER_LIMITS_CONCURRENCY", "many"}}),
            "environment variable CRAWLER_LIMITS_CONCURRENCY: key 'limits.concurrency': "
            "expected an integer, got \"many\"");
  EXPECT_EQ(env_error_of({{"CRAWLER_LIMITS_CONCURRENCY", "1.5"}}),
            "environment variable CRAWLER_LIMITS_CONCURRENCY: key 'limits.concurrency': "
            "expected an integer, got \"1.5\"");
  EXPECT_EQ(env_error_of({{"CRAWLER_LIMITS_CONCURRENCY", "0"}}),
            "environment variable CRAWLER_LIMITS_CONCURRENCY: key 'limits.concurrency': "
            "0 is out of range (1..20000)");
  EXPECT_EQ(env_error_of({{"CRAWLER_POLITENESS_DELAY", "1s"}}),
            "environment variable CRAWLER_POLITENESS_DELAY: key 'politeness.delay': "
            "expected a number (seconds), got \"1s\"");
  EXPECT_EQ(env_error_of({{"CRAWLER_ROBOTS_OBEY", "yes"}}),
            "environment variable CRAWLER_ROBOTS_OBEY: key 'robots.obey': "
            "expected true, false, 1 or 0, got \"yes\"");
  EXPECT_EQ(env_error_of({{"CRAWLER_SCOPE_MODE", "site"}}),
            "environment variable CRAWLER_SCOPE_MODE: key 'scope.mode': "
            R"(expected one of "host", "domain", "any", got "site")");
}

TEST(EnvironmentTest, NothingIsAppliedWhenThereIsAnError) {
  std::map<std::string, std::string> vars = {{"CRAWLER_LIMITS_CONCURRENCY", "5"},
                                             {"CRAWLER_SCOPE_MODE", "site"}};
  CrawlOptions o = scrambled();
  ASSERT_TRUE(apply_environment(o, fake_env(vars)));
  EXPECT_EQ(fields(o), fields(scrambled()));
}

// ---- precedence: default < file < environment < command line ------------------

TEST_F(ConfigFileTest, TheEnvironmentOverridesTheFileAndLaterFlagsOverrideBoth) {
  CrawlOptions o;
  ASSERT_FALSE(apply_config_file(
      write("[limits]\nconcurrency = 8\nmax_pages = 100\n[politeness]\ndelay = 3\n"), o));
  std::map<std::string, std::string> vars = {{"CRAWLER_LIMITS_CONCURRENCY", "16"},
                                             {"CRAWLER_POLITENESS_DELAY", "2"}};
  ASSERT_FALSE(apply_environment(o, fake_env(vars)));
  o.delay_ms = 1500;  // what the caller's re-parse of `--delay 1.5` does

  EXPECT_EQ(o.concurrency, 16u);  // environment over file
  EXPECT_EQ(o.max_pages, 100u);   // file over default
  EXPECT_EQ(o.delay_ms, 1500);    // flag over environment over file
  EXPECT_EQ(o.per_host, CrawlOptions{}.per_host);
}

// ---- the example file -------------------------------------------------------

TEST_F(ConfigFileTest, TheExampleReadsBackAsTheDefaults) {
  CrawlOptions o;
  auto error = apply_config_file(write(example_config()), o);
  ASSERT_FALSE(error) << error->message;
  EXPECT_EQ(fields(o), fields(CrawlOptions{}));
}

TEST_F(ConfigFileTest, TheExampleSetsEveryKeyThatHasADefault) {
  CrawlOptions o = scrambled();
  auto error = apply_config_file(write(example_config()), o);
  ASSERT_FALSE(error) << error->message;
  CrawlOptions expected;
  // Unset by default, so commented out in the example.
  expected.seeds_path = "s.txt";
  expected.db_path = "d.db";
  expected.max_pages = 7;
  expected.max_depth = 7;
  EXPECT_EQ(fields(o), fields(expected));
}

TEST_F(ConfigFileTest, TheExampleWithItsCommentedKeysEnabledIsValid) {
  std::istringstream example(example_config());
  std::string text, line;
  while (std::getline(example, line)) {
    // "# max_pages = 10000" -> "max_pages = 10000"; prose comments stay.
    if (line.starts_with("# ") && line.find(" = ") != std::string::npos &&
        line.find(' ', 2) == line.find(" = ")) {
      line = line.substr(2);
    }
    text += line + "\n";
  }
  CrawlOptions o;
  auto error = apply_config_file(write(text), o);
  ASSERT_FALSE(error) << error->message << "\n" << text;
  EXPECT_EQ(o.seeds_path, "seeds.txt");
  EXPECT_EQ(o.db_path, "crawl.db");
  EXPECT_TRUE(o.max_pages.has_value());
  EXPECT_TRUE(o.max_depth.has_value());
}

TEST(OptionTableTest, EveryKeyHasATypeAndADocAndAUniqueNameAndVariable) {
  std::set<std::string_view> names;
  std::set<std::string> variables;
  for (const Option& option : options_table()) {
    EXPECT_FALSE(type_name(option.kind).empty()) << option.key;
    EXPECT_FALSE(option.help.empty()) << option.key;
    EXPECT_TRUE(names.insert(option.key).second) << option.key;
    EXPECT_TRUE(variables.insert(environment_variable(option.key)).second) << option.key;
  }
  EXPECT_EQ(names.size(), 57u);  // one per field of CrawlOptions
}

// ---- docs/config.md ---------------------------------------------------------

// The reference in docs/config.md is what `crawler config docs` prints now;
// regenerate it with that command when the table changes.
TEST(ConfigDocsTest, DocsHoldTheReferenceTheTablePrints) {
  std::ifstream in(std::string(CRAWLER_SOURCE_DIR) + "/docs/config.md");
  ASSERT_TRUE(in) << "cannot read docs/config.md";
  std::stringstream content;
  content << in.rdbuf();
  const std::string text = content.str();
  const std::string begin = "<!-- BEGIN crawler config docs -->\n";
  const std::string end = "<!-- END crawler config docs -->";
  auto from = text.find(begin);
  auto to = text.find(end);
  ASSERT_NE(from, std::string::npos) << "docs/config.md lacks " << begin;
  ASSERT_NE(to, std::string::npos) << "docs/config.md lacks " << end;
  EXPECT_EQ(text.substr(from + begin.size(), to - from - begin.size()), reference_markdown())
      << "docs/config.md is out of date: paste `crawler config docs` between the markers";
  for (const Option& option : options_table())
    EXPECT_NE(text.find("| `" + std::string(option.key) + "` |"), std::string::npos) << option.key;
}

// ---- config_command ---------------------------------------------------------

// What `config example` prints is a config file: read back, it gives the
// defaults, and it names every key (set, or commented out when unset).
TEST_F(ConfigFileTest, ConfigExamplePrintsAFileOfTheDefaultsNamingEveryKey) {
  std::ostringstream out;
  EXPECT_EQ(run_config_example(out), 0);
  CrawlOptions o;
  auto error = apply_config_file(write(out.str()), o);
  ASSERT_FALSE(error) << error->message;
  EXPECT_EQ(fields(o), fields(CrawlOptions{}));
  for (const Option& option : options_table()) {
    const std::string_view name = option.key.substr(option.key.rfind('.') + 1);
    EXPECT_THAT(out.str(), HasSubstr(std::string(name) + " = ")) << option.key;
  }
}

TEST_F(ConfigFileTest, ConfigCheckSaysOkOrPrintsTheErrorAndExits2) {
  std::ostringstream out, err;
  EXPECT_EQ(run_config_check(write("[limits]\nconcurrency = 4\n"), out, err), 0);
  EXPECT_EQ(out.str(), "ok: " + path_.string() + "\n");
  EXPECT_EQ(err.str(), "");

  std::ostringstream out2, err2;
  EXPECT_EQ(run_config_check(write("[limits]\nconcurrency = 0\n"), out2, err2), 2);
  EXPECT_EQ(out2.str(), "");
  EXPECT_THAT(err2.str(), HasSubstr(at(2) + "key 'limits.concurrency'"));
}

}  // namespace
}  // namespace crawler::config
