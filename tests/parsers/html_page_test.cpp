#include "parsers/html_page.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>

#include "parsers/markup_guard.hpp"
#include "parsers/parse_arena.hpp"

namespace crawler::parsers {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> urls(const HtmlPage& page) {
  std::vector<std::string> out;
  for (const auto& link : page.links) out.push_back(link.url.text());
  return out;
}

TEST(ParseHtmlPage, ExtractsTitleAndVisibleText) {
  auto page = parse_html_page(
      "<html><head><title>  The\n Title </title><style>p{}</style></head>"
      "<body><p>Hello   <b>world</b></p><script>var x = 1;</script></body></html>",
      "http://a.com/");
  EXPECT_EQ(page.title, "The Title");
  EXPECT_EQ(page.text, "Hello world");
}

// Every run of whitespace, wherever it falls in a text node, is one space.
TEST(ParseHtmlPage, CollapsesEveryRunOfWhitespaceInTheText) {
  auto page = parse_html_page(
      "<body>\t one\n\n two \r\n<p>three\f\ffour</p><p>  five</p>six</body>", "http://a.com/");
  EXPECT_EQ(page.text, "one two three four five six");
}

TEST(ParseHtmlPage, ResolvesAnchorAndAreaLinksInOrderWithoutDuplicates) {
  auto page = parse_html_page(
      "<a href='b.html'>b</a><a href='/c'>c</a><map><area href='d.html'></map>"
      "<a href='b.html#again'>b again</a><a>no href</a>",
      "http://a.com/dir/index.html");
  EXPECT_THAT(urls(page),
              ElementsAre("http://a.com/dir/b.html", "http://a.com/c", "http://a.com/dir/d.html"));
}

TEST(ParseHtmlPage, HonoursBaseHrefResolvedAgainstThePage) {
  auto page = parse_html_page(
      "<head><base href='/other/dir/'></head><a href='x.html'></a><a href='../y.html'></a>",
      "http://a.com/relative/base.html");
  EXPECT_THAT(urls(page),
              ElementsAre("http://a.com/other/dir/x.html", "http://a.com/other/y.html"));
}

TEST(ParseHtmlPage, DropsNonHttpLinks) {
  auto page = parse_html_page(
      "<a href='mailto:x@y.z'></a><a href='javascript:void(0)'></a><a href='tel:1'></a>"
      "<a href='https://b.org/'></a>",
      "http://a.com/");
  EXPECT_THAT(urls(page), ElementsAre("https://b.org/"));
}

TEST(ParseHtmlPage, ParsesHostileNestingOnlyUpToTheGuard) {
  // Unguarded, gumbo needs minutes for this page.
  std::string html = "<title>Deep</title><a href='/shallow'>s</a>";
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "<a href='/deep'>deep</a>";
  auto page = parse_html_page(html, "http://a.com/");
  EXPECT_EQ(page.title, "Deep");
  EXPECT_THAT(urls(page), ElementsAre("http://a.com/shallow"));
}

TEST(ParseHtmlPage, KeepsLinksOfOrdinaryDeepPages) {
  std::string html;
  for (int i = 0; i < 500; ++i) html += "<div><p>text<ul><li>item";
  html += "<a href='/deep'>deep</a>";
  auto page = parse_html_page(html, "http://a.com/");
  EXPECT_THAT(urls(page), ElementsAre("http://a.com/deep"));
}

TEST(ParseHtmlPage, ToleratesGarbage) {
  std::string garbage("\0\xff<a href=\"\x01\xfe\">\0<<<>>", 20);
  auto page = parse_html_page(garbage, "http://a.com/");
  EXPECT_TRUE(page.title.empty());
}

TEST(ParseHtmlPage, MarksRelNofollowLinksUnlessAlsoLinkedPlainly) {
  auto page = parse_html_page(
      "<a rel='nofollow' href='/a'></a><a rel='external UGC' href='/b'></a>"
      "<a rel=nofollow href='/c'></a><a href='/c'></a>",
      "http://x.com/");
  ASSERT_EQ(page.links.size(), 3u);
  EXPECT_TRUE(page.links[0].nofollow);
  EXPECT_TRUE(page.links[1].nofollow);
  EXPECT_FALSE(page.links[2].nofollow);
}

TEST(ParseHtmlPage, ReadsTheCanonicalLink) {
  auto page = parse_html_page("<link rel='Canonical' href='/main#x'>", "http://x.com/dup?a=1");
  EXPECT_EQ(page.canonical, "http://x.com/main");
}

TEST(ParseHtmlPage, ReadsMetaRobotsAndTheAgentsOwnMeta) {
  auto general = parse_html_page("<meta name=ROBOTS content='NOINDEX'>", "http://x.com/");
  EXPECT_TRUE(general.robots.noindex);
  EXPECT_FALSE(general.robots.nofollow);
  auto ours = parse_html_page("<meta name=crawler content='nofollow'>", "http://x.com/", "crawler");
  EXPECT_TRUE(ours.robots.nofollow);
  auto others = parse_html_page("<meta name=otherbot content='none'>", "http://x.com/", "crawler");
  EXPECT_FALSE(others.robots.noindex || others.robots.nofollow);
}

std::string ordinary_page(std::size_t bytes) {
  std::string html = "<title>t</title>";
  for (int i = 0; html.size() < bytes; ++i)
    html += "<div><p>Some <b>text</b> and <a href=/p" + std::to_string(i) + ">a link</a></div>";
  return html;
}

TEST(ParseHtmlPage, StopsAPageThatOutrunsItsCpuBudget) {
  HtmlLimits limits;
  limits.max_html_bytes = 16 << 20;
  limits.cpu_budget = std::chrono::milliseconds(20);
  std::string html = ordinary_page(8 << 20);  // seconds of gumbo, even on a fast machine
  // The markup guard reads the whole page before the parse starts (under
  // ASan on a slow machine, most of a second): timed alone, it is allowed.
  std::int64_t before = thread_cpu_ns();
  (void)guard_markup(html, limits.markup);
  double guard_seconds = static_cast<double>(thread_cpu_ns() - before) / 1e9;
  before = thread_cpu_ns();
  HtmlPage page = parse_html_page(html, "http://a.test/", {}, limits);
  double seconds = static_cast<double>(thread_cpu_ns() - before) / 1e9;
  EXPECT_EQ(page.outcome, HtmlOutcome::kOverBudget);
  // Then the budget and a prefix's parse: generous.
  EXPECT_LT(seconds, guard_seconds + 0.5) << "the guard alone took " << guard_seconds << " s";
}

TEST(ParseHtmlPage, KeepsWhatThePrefixHeldWhenOverBudget) {
  HtmlLimits limits;
  limits.max_html_bytes = 16 << 20;
  limits.cpu_budget = std::chrono::milliseconds(400);  // a fifth of it reads 64 KiB easily
  HtmlPage page = parse_html_page(ordinary_page(16 << 20), "http://a.test/", {}, limits);
  ASSERT_EQ(page.outcome, HtmlOutcome::kOverBudget);
  EXPECT_EQ(page.title, "t");
  EXPECT_GT(page.links.size(), 100u);
  EXPECT_EQ(page.links.front().url.text(), "http://a.test/p0");
}

TEST(ParseHtmlPage, ACancelledParseStopsAtOnce) {
  std::atomic<bool> cancel{true};
  HtmlLimits limits;
  limits.cancel = &cancel;
  limits.cpu_budget = std::chrono::hours(1);
  std::string html = ordinary_page(2 << 20);
  // The markup guard runs first, whatever the cancel says (timed alone, it is
  // allowed: most of a second under the sanitizers); gumbo stops at once.
  std::int64_t before = thread_cpu_ns();
  (void)guard_markup(html, limits.markup);
  double guard_seconds = static_cast<double>(thread_cpu_ns() - before) / 1e9;
  before = thread_cpu_ns();
  HtmlPage page = parse_html_page(html, "http://a.test/", {}, limits);
  double seconds = static_cast<double>(thread_cpu_ns() - before) / 1e9;
  EXPECT_EQ(page.outcome, HtmlOutcome::kCancelled);
  EXPECT_TRUE(page.links.empty());
  EXPECT_LT(seconds, guard_seconds + 0.25) << "the guard alone took " << guard_seconds << " s";
}

TEST(ParseHtmlPage, TheParserIsUsableAfterAParseWasStopped) {
  HtmlLimits tight;
  tight.cpu_budget = std::chrono::milliseconds(1);
  tight.max_html_bytes = 16 << 20;
  EXPECT_EQ(parse_html_page(ordinary_page(8 << 20), "http://a.test/", {}, tight).outcome,
            HtmlOutcome::kOverBudget);
  HtmlPage page = parse_html_page("<title>x</title><a href=/y>y</a>", "http://a.test/");
  EXPECT_EQ(page.outcome, HtmlOutcome::kParsed);
  EXPECT_EQ(page.title, "x");
  EXPECT_THAT(urls(page), ElementsAre("http://a.test/y"));
}

TEST(ParseHtmlPage, KeepsTheLinkAfterATagOfAHundredThousandAttributes) {
  std::string html = "<div";
  for (int i = 0; i < 100'000; ++i) html += " a" + std::to_string(i) + "=1";
  html += ">text <a href=/after>after</a></div>";
  HtmlLimits limits;
  limits.cpu_budget = std::chrono::hours(1);  // the guard alone must make it cheap
  std::int64_t before = thread_cpu_ns();
  HtmlPage page = parse_html_page(html, "http://a.test/", {}, limits);
  EXPECT_LT(static_cast<double>(thread_cpu_ns() - before) / 1e9, 1.0);  // 14 s unguarded
  EXPECT_EQ(page.outcome, HtmlOutcome::kParsed);
  EXPECT_THAT(urls(page), ElementsAre("http://a.test/after"));
}

TEST(ParseHtmlPage, AdoptionAgencyBombsCostLittle) {
  std::string html;
  for (int i = 0; i < 2900; ++i) html += "<b x=" + std::to_string(i) + ">";
  for (int i = 0; i < 40'000; ++i) html += "<div>q</b>";
  HtmlLimits limits;
  limits.cpu_budget = std::chrono::hours(1);
  std::int64_t before = thread_cpu_ns();
  HtmlPage page = parse_html_page(html, "http://a.test/", {}, limits);
  EXPECT_LT(static_cast<double>(thread_cpu_ns() - before) / 1e9, 1.0);  // 60 s unguarded
  EXPECT_EQ(page.outcome, HtmlOutcome::kParsed);
}

// Old HTML opens <font> and <b> and never closes them: the page is read
// whole, not cut where its formatting elements would count as nesting.
TEST(ParseHtmlPage, ReadsOldHtmlOfUnclosedFormattingWhole) {
  std::string html = "<html><body>";
  for (int i = 0; i < 3000; ++i)
    html += "<p><font face=arial size=" + std::to_string(i % 7) + "><b>Text <a href=/a" +
            std::to_string(i) + ">link</a><br>";
  HtmlPage page = parse_html_page(html, "http://a.test/");
  EXPECT_EQ(page.outcome, HtmlOutcome::kParsed);
  EXPECT_EQ(page.links.size(), 3000u);
}

TEST(ParseHtmlBody, JudgesBinaryOnTheBytesReceived) {
  std::string body(1 << 16, '\0');
  unsigned state = 1;
  for (char& c : body) c = static_cast<char>((state = state * 1103515245 + 12345) >> 16);
  body[0] = 'x';  // no BOM
  // Bytes a legacy decoding turns into harmless-looking text.
  for (char& c : body)
    if (c == 0) c = 1;
  EXPECT_EQ(parse_html_body(body, "text/html; charset=windows-1252", "http://a.test/").outcome,
            HtmlOutcome::kBinary);
  EXPECT_EQ(parse_html_body("<title>t</title>", "text/html", "http://a.test/").outcome,
            HtmlOutcome::kParsed);
}

TEST(ParseHtmlBody, ReadsUtf16ThoughItsBytesHoldNuls) {
  std::string body = "\xff\xfe";
  for (char c : std::string("<title>t</title>")) body += std::string{c, '\0'};
  HtmlPage page = parse_html_body(body, "text/html", "http://a.test/");
  EXPECT_EQ(page.outcome, HtmlOutcome::kParsed);
  EXPECT_EQ(page.title, "t");
}

TEST(ParseRobotsDirectives, ReadsCommaSeparatedCaseInsensitiveTokens) {
  EXPECT_TRUE(parse_robots_directives(" NoIndex , follow").noindex);
  EXPECT_FALSE(parse_robots_directives("noindexer").noindex);
  auto none = parse_robots_directives("none");
  EXPECT_TRUE(none.noindex && none.nofollow);
  auto empty = parse_robots_directives("");
  EXPECT_FALSE(empty.noindex || empty.nofollow);
}

TEST(IsHtmlContentType, AcceptsHtmlAndXhtmlWithParameters) {
  EXPECT_TRUE(is_html_content_type("text/html"));
  EXPECT_TRUE(is_html_content_type("Text/HTML; charset=utf-8"));
  EXPECT_TRUE(is_html_content_type("application/xhtml+xml"));
  EXPECT_FALSE(is_html_content_type("image/png"));
  EXPECT_FALSE(is_html_content_type(""));
  EXPECT_FALSE(is_html_content_type("text/htmlx"));
}

}  // namespace
}  // namespace crawler::parsers
