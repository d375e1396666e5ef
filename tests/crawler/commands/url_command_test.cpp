#include "crawler/commands/url_command.hpp"

#include <gtest/gtest.h>

#include "crawler/commands/commands.hpp"

namespace crawler {
namespace {

struct CommandRun {
  int code;
  std::string out;
  std::string err;
};

CommandRun run(const UrlOptions& options) {
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int code = run_url_command(options);
  std::string out = ::testing::internal::GetCapturedStdout();
  return {code, out, ::testing::internal::GetCapturedStderr()};
}

TEST(UrlCommand, PrintsHrefAndKeyOfAnAbsoluteUrl) {
  CommandRun r = run({std::nullopt, {"HTTP://Example.COM:80/a/../b?q#f"}});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_EQ(r.out,
            "{\"input\":\"HTTP://Example.COM:80/a/../b?q#f\",\"href\":\"http://example.com/b?q#f\","
            "\"key\":\"http://example.com/b?q\"}\n");
}

TEST(UrlCommand, ResolvesRelativeInputsAgainstTheBase) {
  CommandRun r = run({"http://a.com/dir/page.html", {"..\\x", "//b.org", "#top"}});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_EQ(r.out,
            "{\"input\":\"..\\\\x\",\"href\":\"http://a.com/x\",\"key\":\"http://a.com/x\"}\n"
            "{\"input\":\"//b.org\",\"href\":\"http://b.org/\",\"key\":\"http://b.org/\"}\n"
            "{\"input\":\"#top\",\"href\":\"http://a.com/dir/page.html#top\","
            "\"key\":\"http://a.com/dir/page.html\"}\n");
}

TEST(UrlCommand, OmitsTheKeyForNonHttpSchemes) {
  CommandRun r = run({"http://a.com/", {"MAILTO:x@y.z", "javascript:void(0)"}});
  EXPECT_EQ(r.out,
            "{\"input\":\"MAILTO:x@y.z\",\"href\":\"mailto:x@y.z\"}\n"
            "{\"input\":\"javascript:void(0)\",\"href\":\"javascript:void(0)\"}\n");
}

TEST(UrlCommand, ReportsABadInputAndGoesOn) {
  CommandRun r = run({std::nullopt, {"http://1.2.3.08/", "relative", "http://ok.com"}});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_EQ(
      r.out,
      "{\"input\":\"http://1.2.3.08/\",\"error\":\"IPv4 address with a non-numeric part\"}\n"
      "{\"input\":\"relative\",\"error\":\"relative URL without a base\"}\n"
      "{\"input\":\"http://ok.com\",\"href\":\"http://ok.com/\",\"key\":\"http://ok.com/\"}\n");
  EXPECT_EQ(r.err, "");
}

TEST(UrlCommand, TakesAnInputStartingWithADashLiterally) {
  CommandRun r = run({"http://a.com/d/", {"-x", "--base"}});
  EXPECT_EQ(r.out,
            "{\"input\":\"-x\",\"href\":\"http://a.com/d/-x\",\"key\":\"http://a.com/d/-x\"}\n"
            "{\"input\":\"--base\",\"href\":\"http://a.com/d/--base\","
            "\"key\":\"http://a.com/d/--base\"}\n");
}

TEST(UrlCommand, EscapesInputsForJson) {
  CommandRun r = run({std::nullopt, {"http://a.com/\"q\"\x01"}});
  EXPECT_EQ(r.out,
            "{\"input\":\"http://a.com/\\\"q\\\"\\u0001\",\"href\":\"http://a.com/%22q%22\","
            "\"key\":\"http://a.com/%22q%22\"}\n");
}

TEST(UrlCommand, RefusesABaseThatDoesNotParse) {
  CommandRun r = run({"not a url", {"x"}});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("invalid base URL 'not a url'"), std::string::npos) << r.err;
}

TEST(UrlCommand, PrintsNothingForNoInputs) {
  CommandRun r = run({"http://a.com/", {}});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace crawler
