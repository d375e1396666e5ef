#include "parsers/html_page.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace crawler::parsers {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> urls(const HtmlPage& page) {
  std::vector<std::string> out;
  for (const auto& link : page.links) out.push_back(link.url);
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
