#include "parsers/html_page.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace crawler::parsers {
namespace {

using ::testing::ElementsAre;

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
  EXPECT_THAT(page.links,
              ElementsAre("http://a.com/dir/b.html", "http://a.com/c", "http://a.com/dir/d.html"));
}

TEST(ParseHtmlPage, HonoursBaseHrefResolvedAgainstThePage) {
  auto page = parse_html_page(
      "<head><base href='/other/dir/'></head><a href='x.html'></a><a href='../y.html'></a>",
      "http://a.com/relative/base.html");
  EXPECT_THAT(page.links,
              ElementsAre("http://a.com/other/dir/x.html", "http://a.com/other/y.html"));
}

TEST(ParseHtmlPage, DropsNonHttpLinks) {
  auto page = parse_html_page(
      "<a href='mailto:x@y.z'></a><a href='javascript:void(0)'></a><a href='tel:1'></a>"
      "<a href='https://b.org/'></a>",
      "http://a.com/");
  EXPECT_THAT(page.links, ElementsAre("https://b.org/"));
}

TEST(ParseHtmlPage, ParsesHostileNestingOnlyUpToTheGuard) {
  // Unguarded, gumbo needs minutes for this page.
  std::string html = "<title>Deep</title><a href='/shallow'>s</a>";
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "<a href='/deep'>deep</a>";
  auto page = parse_html_page(html, "http://a.com/");
  EXPECT_EQ(page.title, "Deep");
  EXPECT_THAT(page.links, ElementsAre("http://a.com/shallow"));
}

TEST(ParseHtmlPage, KeepsLinksOfOrdinaryDeepPages) {
  std::string html;
  for (int i = 0; i < 500; ++i) html += "<div><p>text<ul><li>item";
  html += "<a href='/deep'>deep</a>";
  auto page = parse_html_page(html, "http://a.com/");
  EXPECT_THAT(page.links, ElementsAre("http://a.com/deep"));
}

TEST(ParseHtmlPage, ToleratesGarbage) {
  std::string garbage("\0\xff<a href=\"\x01\xfe\">\0<<<>>", 20);
  auto page = parse_html_page(garbage, "http://a.com/");
  EXPECT_TRUE(page.title.empty());
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
