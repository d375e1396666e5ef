#include "parsers/robots_txt.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace crawler::parsers {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace std::string_literals;

bool allowed(const RobotsTxt& robots, std::string_view agent, std::string_view path) {
  return robots.check(agent, path).allowed;
}

// RFC 9309 section 5.1, verbatim.
constexpr std::string_view kRfcExample =
    "User-Agent: *\n"
    "Disallow: *.gif$\n"
    "Disallow: /example/\n"
    "Allow: /publications/\n"
    "\n"
    "User-Agent: foobot\n"
    "Disallow:/\n"
    "Allow:/example/page.html\n"
    "Allow:/example/allowed.gif\n"
    "\n"
    "User-Agent: barbot\n"
    "User-Agent: bazbot\n"
    "Disallow: /example/page.html\n"
    "\n"
    "User-Agent: quxbot\n"
    "\n"
    "EOF\n";

TEST(RobotsTxtRfcExample, StarGroupAppliesToUnnamedCrawlers) {
  auto robots = RobotsTxt::parse(kRfcExample);
  EXPECT_FALSE(allowed(robots, "otherbot", "/image.gif"));
  EXPECT_FALSE(allowed(robots, "otherbot", "/deep/dir/image.gif"));
  EXPECT_TRUE(allowed(robots, "otherbot", "/image.gif?size=2"));  // '$' anchors the end
  EXPECT_FALSE(allowed(robots, "otherbot", "/example/"));
  EXPECT_FALSE(allowed(robots, "otherbot", "/example/page.html"));
  EXPECT_TRUE(allowed(robots, "otherbot", "/example"));
  EXPECT_TRUE(allowed(robots, "otherbot", "/publications/paper.pdf"));
  EXPECT_TRUE(allowed(robots, "otherbot", "/publications/figure.gif"));  // longer allow wins
  EXPECT_TRUE(allowed(robots, "otherbot", "/"));
}

TEST(RobotsTxtRfcExample, FoobotMayFetchOnlyTwoPrefixes) {
  auto robots = RobotsTxt::parse(kRfcExample);
  EXPECT_TRUE(allowed(robots, "foobot", "/example/page.html"));
  EXPECT_TRUE(allowed(robots, "foobot", "/example/page.html?q=1"));
  EXPECT_TRUE(allowed(robots, "foobot", "/example/allowed.gif"));
  EXPECT_FALSE(allowed(robots, "foobot", "/"));
  EXPECT_FALSE(allowed(robots, "foobot", "/example/other.html"));
  EXPECT_FALSE(allowed(robots, "foobot", "/publications/"));
}

TEST(RobotsTxtRfcExample, BarbotAndBazbotShareOneGroup) {
  auto robots = RobotsTxt::parse(kRfcExample);
  for (const char* agent : {"barbot", "bazbot"}) {
    EXPECT_FALSE(allowed(robots, agent, "/example/page.html")) << agent;
    EXPECT_TRUE(allowed(robots, agent, "/example/other.html")) << agent;
    EXPECT_TRUE(allowed(robots, agent, "/image.gif")) << agent;  // the '*' group does not apply
  }
}

TEST(RobotsTxtRfcExample, QuxbotsEmptyGroupAllowsEverything) {
  auto robots = RobotsTxt::parse(kRfcExample);
  EXPECT_TRUE(allowed(robots, "quxbot", "/example/page.html"));
  EXPECT_TRUE(allowed(robots, "quxbot", "/image.gif"));
}

TEST(RobotsTxtRfcExample, ReportsTheDecidingRuleAndItsLine) {
  auto robots = RobotsTxt::parse(kRfcExample);
  auto decision = robots.check("foobot", "/example/allowed.gif");
  ASSERT_TRUE(decision.rule.has_value());
  EXPECT_TRUE(decision.rule->allow);
  EXPECT_EQ(decision.rule->pattern, "/example/allowed.gif");
  EXPECT_EQ(decision.rule->line, 9);

  decision = robots.check("otherbot", "/a.gif");
  EXPECT_FALSE(decision.allowed);
  ASSERT_TRUE(decision.rule.has_value());
  EXPECT_EQ(decision.rule->pattern, "*.gif$");
  EXPECT_EQ(decision.rule->line, 2);
}

TEST(RobotsTxtMatching, LongestMatchWinsAsInRfcSection5_2) {
  auto robots = RobotsTxt::parse(
      "User-Agent: foobot\n"
      "Allow: /example/page/\n"
      "Disallow: /example/page/disallowed.gif\n");
  EXPECT_TRUE(allowed(robots, "foobot", "/example/page/"));
  EXPECT_TRUE(allowed(robots, "foobot", "/example/page/allowed.gif"));
  EXPECT_FALSE(allowed(robots, "foobot", "/example/page/disallowed.gif"));
}

TEST(RobotsTxtMatching, LongestMatchWinsWhateverTheOrder) {
  auto robots = RobotsTxt::parse(
      "User-Agent: *\n"
      "Disallow: /a/b/c\n"
      "Allow: /a\n"
      "Disallow: /a/b\n");
  EXPECT_TRUE(allowed(robots, "x", "/a/x"));
  EXPECT_FALSE(allowed(robots, "x", "/a/b/x"));
  EXPECT_FALSE(allowed(robots, "x", "/a/b/c"));
}

TEST(RobotsTxtMatching, AllowWinsATieOfEqualLength) {
  auto robots = RobotsTxt::parse(
      "User-Agent: *\n"
      "Disallow: /page\n"
      "Allow: /page\n"
      "Disallow: /*.php\n"
      "Allow: /x*.ph\n");
  EXPECT_TRUE(allowed(robots, "x", "/page"));
  EXPECT_TRUE(allowed(robots, "x", "/x.php"));
  EXPECT_FALSE(allowed(robots, "x", "/y.php"));
}

TEST(RobotsTxtMatching, DollarAnchorsThePatternToTheEndOfThePath) {
  auto robots = RobotsTxt::parse(
      "User-agent: *\n"
      "Disallow: /this/path/exactly$\n");
  EXPECT_FALSE(allowed(robots, "x", "/this/path/exactly"));
  EXPECT_TRUE(allowed(robots, "x", "/this/path/exactly/"));
  EXPECT_TRUE(allowed(robots, "x", "/this/path/exactly?q"));
  EXPECT_TRUE(allowed(robots, "x", "/this/path/exactl"));
}

TEST(RobotsTxtMatching, StarMatchesAnyRunIncludingSlashes) {
  auto robots = RobotsTxt::parse(
      "User-agent: *\n"
      "Disallow: /this/*/exactly\n"
      "Disallow: /*/end*$\n");
  EXPECT_FALSE(allowed(robots, "x", "/this/one/exactly"));
  EXPECT_FALSE(allowed(robots, "x", "/this/a/b/c/exactly/more"));
  EXPECT_FALSE(allowed(robots, "x", "/this//exactly"));
  EXPECT_TRUE(allowed(robots, "x", "/this/exactly"));
  EXPECT_FALSE(allowed(robots, "x", "/x/endless"));
  EXPECT_TRUE(allowed(robots, "x", "/x/nd"));
}

TEST(RobotsTxtMatching, DollarInsideAPatternIsLiteral) {
  auto robots = RobotsTxt::parse("User-agent: *\nDisallow: /a$b\n");
  EXPECT_FALSE(allowed(robots, "x", "/a$b/c"));
  EXPECT_TRUE(allowed(robots, "x", "/a"));
}

TEST(RobotsTxtMatching, MatchingIsCaseSensitive) {
  auto robots = RobotsTxt::parse("User-agent: *\nDisallow: /Private\n");
  EXPECT_FALSE(allowed(robots, "x", "/Private/x"));
  EXPECT_TRUE(allowed(robots, "x", "/private/x"));
}

TEST(RobotsTxtMatching, PatternsMatchTheQueryToo) {
  auto robots = RobotsTxt::parse("User-agent: *\nDisallow: /*?sessionid=\n");
  EXPECT_FALSE(allowed(robots, "x", "/page?sessionid=42"));
  EXPECT_TRUE(allowed(robots, "x", "/page?id=42"));
}

TEST(RobotsTxtMatching, EmptyDisallowAllowsEverything) {
  auto robots = RobotsTxt::parse("User-agent: *\nDisallow:\n");
  auto decision = robots.check("x", "/anything");
  EXPECT_TRUE(decision.allowed);
  EXPECT_FALSE(decision.rule.has_value());
}

TEST(RobotsTxtMatching, RobotsTxtItselfIsAlwaysAllowed) {
  auto robots = RobotsTxt::parse("User-agent: *\nDisallow: /\n");
  EXPECT_TRUE(allowed(robots, "x", "/robots.txt"));
  EXPECT_FALSE(allowed(robots, "x", "/robots.txt.bak"));
  EXPECT_FALSE(allowed(robots, "x", "/index.html"));
}

TEST(RobotsTxtMatching, EmptyPathMeansTheRoot) {
  auto robots = RobotsTxt::parse("User-agent: *\nDisallow: /$\n");
  EXPECT_FALSE(allowed(robots, "x", ""));
  EXPECT_FALSE(allowed(robots, "x", "/"));
  EXPECT_TRUE(allowed(robots, "x", "/a"));
}

TEST(RobotsTxtGroups, GroupsNamingTheSameAgentAreMerged) {
  auto robots = RobotsTxt::parse(
      "user-agent: ExampleBot\n"
      "disallow: /foo\n"
      "disallow: /bar\n"
      "\n"
      "user-agent: OtherBot\n"
      "disallow: /other\n"
      "\n"
      "user-agent: ExampleBot\n"
      "disallow: /baz\n");
  EXPECT_FALSE(allowed(robots, "ExampleBot", "/foo"));
  EXPECT_FALSE(allowed(robots, "ExampleBot", "/bar"));
  EXPECT_FALSE(allowed(robots, "ExampleBot", "/baz"));
  EXPECT_TRUE(allowed(robots, "ExampleBot", "/other"));
}

TEST(RobotsTxtGroups, StarGroupsAreMergedAndUsedWhenNoGroupNamesTheAgent) {
  auto robots = RobotsTxt::parse(
      "user-agent: *\n"
      "disallow: /foo\n"
      "\n"
      "user-agent: BazBot\n"
      "disallow: /baz\n"
      "\n"
      "user-agent: *\n"
      "disallow: /bar\n");
  EXPECT_FALSE(allowed(robots, "ExampleBot", "/foo"));
  EXPECT_FALSE(allowed(robots, "ExampleBot", "/bar"));
  EXPECT_TRUE(allowed(robots, "ExampleBot", "/baz"));
  EXPECT_TRUE(allowed(robots, "BazBot", "/foo"));
  EXPECT_FALSE(allowed(robots, "BazBot", "/baz"));
}

TEST(RobotsTxtGroups, WithoutAMatchingOrStarGroupEverythingIsAllowed) {
  auto robots = RobotsTxt::parse("user-agent: BazBot\ndisallow: /\n");
  EXPECT_TRUE(allowed(robots, "crawler", "/"));
  EXPECT_TRUE(allowed(RobotsTxt::parse(""), "crawler", "/"));
}

TEST(RobotsTxtGroups, AgentAndKeysAreCaseInsensitive) {
  auto robots = RobotsTxt::parse("USER-AGENT: CRAWLER\nDISALLOW: /a\nallow: /a/b\n");
  EXPECT_FALSE(allowed(robots, "crawler", "/a"));
  EXPECT_TRUE(allowed(robots, "crawler", "/a/b"));
  EXPECT_FALSE(allowed(robots, "Crawler", "/a"));
}

TEST(RobotsTxtGroups, AgentLineWithAVersionNamesItsProductToken) {
  auto robots = RobotsTxt::parse("User-agent: crawler/1.0 (+https://x)\nDisallow: /\n");
  EXPECT_FALSE(allowed(robots, "crawler", "/"));
  EXPECT_TRUE(allowed(robots, "crawl", "/"));
}

TEST(RobotsTxtGroups, AgentMatchIsExactNotAPrefix) {
  auto robots = RobotsTxt::parse("User-agent: crawlerbot\nDisallow: /\n");
  EXPECT_TRUE(allowed(robots, "crawler", "/"));
  EXPECT_FALSE(allowed(robots, "crawlerbot", "/"));
}

TEST(RobotsTxtGroups, CheckReducesAFullUserAgentStringToItsToken) {
  auto robots = RobotsTxt::parse("User-agent: crawler\nDisallow: /\n");
  EXPECT_FALSE(allowed(robots, "crawler/0.1 (+https://example.com)", "/"));
}

TEST(RobotsTxtGroups, RulesBeforeAnyUserAgentAreIgnored) {
  auto robots = RobotsTxt::parse(
      "Disallow: /\n"
      "Allow: /x\n"
      "User-agent: *\n"
      "Disallow: /private\n");
  EXPECT_TRUE(allowed(robots, "x", "/"));
  EXPECT_FALSE(allowed(robots, "x", "/private"));
}

TEST(RobotsTxtGroups, UserAgentAfterRulesStartsANewGroup) {
  auto robots = RobotsTxt::parse(
      "User-agent: a\n"
      "Disallow: /a\n"
      "User-agent: b\n"
      "Disallow: /b\n");
  EXPECT_FALSE(allowed(robots, "a", "/a"));
  EXPECT_TRUE(allowed(robots, "a", "/b"));
  EXPECT_TRUE(allowed(robots, "b", "/a"));
  EXPECT_FALSE(allowed(robots, "b", "/b"));
}

TEST(RobotsTxtGroups, SitemapAndUnknownLinesDoNotSplitAGroup) {
  auto robots = RobotsTxt::parse(
      "User-agent: a\n"
      "Sitemap: https://x/sitemap.xml\n"
      "Unknown-field: 1\n"
      "User-agent: b\n"
      "Disallow: /shared\n");
  EXPECT_FALSE(allowed(robots, "a", "/shared"));
  EXPECT_FALSE(allowed(robots, "b", "/shared"));
}

TEST(RobotsTxtGroups, StarFollowedByTextIsStillTheStarGroup) {
  auto robots = RobotsTxt::parse("User-agent: *  everyone\nDisallow: /\n");
  EXPECT_FALSE(allowed(robots, "x", "/"));
}

TEST(RobotsTxtSyntax, AcceptsCrLfAndLoneCrLineEnds) {
  auto crlf = RobotsTxt::parse("User-agent: *\r\nDisallow: /a\r\nDisallow: /b\r\n");
  EXPECT_FALSE(allowed(crlf, "x", "/a"));
  EXPECT_FALSE(allowed(crlf, "x", "/b"));
  EXPECT_EQ(crlf.check("x", "/b").rule->line, 3);

  auto cr = RobotsTxt::parse("User-agent: *\rDisallow: /a\rDisallow: /b");
  EXPECT_FALSE(allowed(cr, "x", "/a"));
  EXPECT_FALSE(allowed(cr, "x", "/b"));
  EXPECT_EQ(cr.check("x", "/b").rule->line, 3);
}

TEST(RobotsTxtSyntax, SkipsALeadingBomAndTrimsWhitespaceAndComments) {
  auto robots = RobotsTxt::parse(
      "\xEF\xBB\xBFUser-agent: *\n"
      "  \tDisallow \t:  /a  # comment\n"
      "# Disallow: /b\n"
      "Disallow /c\n");
  EXPECT_FALSE(allowed(robots, "x", "/a"));
  EXPECT_FALSE(allowed(robots, "x", "/ab"));  // trailing blanks are not part of the pattern
  EXPECT_TRUE(allowed(robots, "x", "/b"));
  EXPECT_TRUE(allowed(robots, "x", "/c"));  // no colon: ignored
}

TEST(RobotsTxtSyntax, AcceptsUserAgentWithoutTheHyphen) {
  auto robots = RobotsTxt::parse("useragent: a\nDisallow: /a\nuser agent: b\nDisallow: /b\n");
  EXPECT_FALSE(allowed(robots, "a", "/a"));
  EXPECT_FALSE(allowed(robots, "b", "/b"));
}

TEST(RobotsTxtPercentEncoding, EncodedUnreservedCharactersMatchTheirPlainForm) {
  auto robots = RobotsTxt::parse("User-agent: *\nDisallow: /%7Efoo\nDisallow: /bar/baz\n");
  EXPECT_FALSE(allowed(robots, "x", "/~foo"));
  EXPECT_FALSE(allowed(robots, "x", "/%7efoo"));
  EXPECT_FALSE(allowed(robots, "x", "/%62%61%72/%62%61%7A"));  // RFC 9309 section 2.2.2
}

TEST(RobotsTxtPercentEncoding, Utf8PatternMatchesItsEncodedUrl) {
  auto robots = RobotsTxt::parse("User-agent: *\nDisallow: /foo/bar/\xE3\x83\x84\n");
  EXPECT_FALSE(allowed(robots, "x", "/foo/bar/%E3%83%84"));
  EXPECT_FALSE(allowed(robots, "x", "/foo/bar/%e3%83%84"));
  EXPECT_TRUE(allowed(robots, "x", "/foo/bar/%E3%83%85"));
}

TEST(RobotsTxtPercentEncoding, EncodedPatternMatchesUtf8Path) {
  auto robots = RobotsTxt::parse("User-agent: *\nDisallow: /foo/bar/%e3%83%84\n");
  EXPECT_FALSE(allowed(robots, "x", "/foo/bar/\xE3\x83\x84"));
  EXPECT_EQ(robots.check("x", "/foo/bar/%E3%83%84").rule->pattern, "/foo/bar/%E3%83%84");
}

TEST(RobotsTxtPercentEncoding, EncodedSlashIsNotASlash) {
  auto robots = RobotsTxt::parse("User-agent: *\nDisallow: /a%2Fb\nDisallow: /c/d\n");
  EXPECT_FALSE(allowed(robots, "x", "/a%2fb"));
  EXPECT_TRUE(allowed(robots, "x", "/a/b"));
  EXPECT_TRUE(allowed(robots, "x", "/c%2Fd"));
}

TEST(RobotsTxtPercentEncoding, EncodedStarAndDollarMatchLiterally) {
  auto robots = RobotsTxt::parse(
      "User-agent: *\n"
      "Disallow: /path/file-with-a-%2A.html\n"
      "Disallow: /path/foo-%24\n");
  EXPECT_FALSE(allowed(robots, "x", "/path/file-with-a-*.html"));
  EXPECT_TRUE(allowed(robots, "x", "/path/file-with-a-b.html"));
  EXPECT_FALSE(allowed(robots, "x", "/path/foo-$"));
  EXPECT_TRUE(allowed(robots, "x", "/path/foo-"));
}

TEST(RobotsTxtPercentEncoding, SpacesInPatternsMatchEncodedSpaces) {
  auto robots = RobotsTxt::parse("User-agent: *\nDisallow: /my file\n");
  EXPECT_FALSE(allowed(robots, "x", "/my%20file.html"));
}

TEST(RobotsTxtCrawlDelay, ComesFromTheApplicableGroup) {
  auto robots = RobotsTxt::parse(
      "User-agent: *\n"
      "Disallow: /private\n"
      "Crawl-delay: 10\n"
      "\n"
      "User-agent: crawler\n"
      "Crawl-delay: 2.5\n"
      "Disallow: /x\n"
      "\n"
      "User-agent: other\n"
      "Disallow: /\n");
  EXPECT_EQ(robots.crawl_delay("crawler"), 2.5);
  EXPECT_EQ(robots.crawl_delay("somebot"), 10.0);
  EXPECT_EQ(robots.crawl_delay("other"), std::nullopt);
}

TEST(RobotsTxtCrawlDelay, DoesNotEndTheUserAgentLinesOfAGroup) {
  // RFC 9309 section 2.2.4: records other than allow/disallow never split a
  // group, so "a" and "b" share one group; its first delay wins.
  auto robots = RobotsTxt::parse(
      "User-agent: a\n"
      "Crawl-delay: 10\n"
      "User-agent: b\n"
      "Crawl-delay: 1\n"
      "Disallow: /x\n");
  EXPECT_EQ(robots.crawl_delay("a"), 10.0);
  EXPECT_EQ(robots.crawl_delay("b"), 10.0);
  EXPECT_FALSE(allowed(robots, "a", "/x"));
}

TEST(RobotsTxtCrawlDelay, InvalidValuesAreIgnored) {
  for (const char* value : {"-1", "abc", "", "1e3", "inf", "nan", "5 seconds", ".", "+3"}) {
    auto robots = RobotsTxt::parse(std::string("User-agent: *\nCrawl-delay: ") + value + "\n");
    EXPECT_EQ(robots.crawl_delay("x"), std::nullopt) << value;
  }
  auto robots = RobotsTxt::parse("User-agent: *\nCrawl-delay: bad\nCrawl-delay: .5\n");
  EXPECT_EQ(robots.crawl_delay("x"), 0.5);
}

TEST(RobotsTxtCrawlDelay, IsIgnoredBeforeAnyGroup) {
  auto robots = RobotsTxt::parse("Crawl-delay: 4\nUser-agent: *\nDisallow: /a\n");
  EXPECT_EQ(robots.crawl_delay("x"), std::nullopt);
}

TEST(RobotsTxtSitemaps, CollectsEverySitemapLineInAnyPosition) {
  auto robots = RobotsTxt::parse(
      "Sitemap: https://a.com/one.xml\n"
      "User-agent: *\n"
      "sitemap:https://a.com/two.xml # comment\n"
      "Disallow: /\n"
      "SITEMAP: https://b.com/three.xml\n"
      "Sitemap:\n");
  EXPECT_THAT(robots.sitemaps(), ElementsAre("https://a.com/one.xml", "https://a.com/two.xml",
                                             "https://b.com/three.xml"));
  EXPECT_FALSE(allowed(robots, "x", "/"));  // a sitemap line does not end the group
}

TEST(RobotsTxtFactories, AllowAllAllowsEverything) {
  auto robots = RobotsTxt::allow_all();
  EXPECT_TRUE(allowed(robots, "crawler", "/"));
  EXPECT_TRUE(allowed(robots, "crawler", "/private?x=1"));
  EXPECT_THAT(robots.sitemaps(), IsEmpty());
}

TEST(RobotsTxtFactories, DisallowAllDisallowsEverythingButRobotsTxt) {
  auto robots = RobotsTxt::disallow_all();
  EXPECT_FALSE(allowed(robots, "crawler", "/"));
  EXPECT_FALSE(allowed(robots, "crawler", ""));
  EXPECT_FALSE(allowed(robots, "anything", "/a/b?c"));
  EXPECT_TRUE(allowed(robots, "crawler", "/robots.txt"));
  EXPECT_EQ(robots.crawl_delay("crawler"), std::nullopt);
}

TEST(RobotsTxtLimits, RulesAfterTheSizeCapAreIgnored) {
  std::string content = "User-agent: *\nDisallow: /early\n";
  while (content.size() < 600 * 1024) content += "# padding padding padding padding padding\n";
  content += "Disallow: /late\n";
  auto robots = RobotsTxt::parse(content);
  EXPECT_FALSE(allowed(robots, "x", "/early"));
  EXPECT_TRUE(allowed(robots, "x", "/late"));
}

TEST(RobotsTxtLimits, ALineCutByTheCapIsDropped) {
  std::string content = "User-agent: *\n";
  content += std::string(kMaxRobotsBytes - content.size() - 12, '#') + "\n";
  content += "Disallow: /abcdef\n";  // starts 11 bytes before the cap
  ASSERT_GT(content.size(), kMaxRobotsBytes);
  auto robots = RobotsTxt::parse(content);
  EXPECT_TRUE(allowed(robots, "x", "/a"));  // not a truncated "Disallow: /"
}

TEST(RobotsTxtLimits, BinaryGarbageParsesAndAllowsEverything) {
  std::string garbage;
  unsigned state = 12345;
  for (int i = 0; i < 200000; ++i) {
    state = state * 1103515245 + 12345;
    garbage += static_cast<char>(state >> 16);
  }
  garbage += std::string("\0\0\0:\0\xFF\xFE", 7);
  auto robots = RobotsTxt::parse(garbage);
  EXPECT_TRUE(allowed(robots, "crawler", "/"));
}

TEST(RobotsTxtLimits, NulBytesInsideLinesAreOrdinaryOctets) {
  auto robots = RobotsTxt::parse("User-agent: *\nDisallow: /a\0b\nDisallow: /c\n"s);
  EXPECT_FALSE(allowed(robots, "x", "/a\0b"s));
  EXPECT_FALSE(allowed(robots, "x", "/a%00b"));
  EXPECT_TRUE(allowed(robots, "x", "/a"));
  EXPECT_FALSE(allowed(robots, "x", "/c"));
}

TEST(RobotsTxtLimits, EnormousLinesAndManyLinesParse) {
  std::string content = "User-agent: *\nDisallow: /" + std::string(300000, 'x') + "\n";
  for (int i = 0; i < 100000; ++i) content += "Allow: /" + std::to_string(i) + "\n";
  content.resize(std::min(content.size(), kMaxRobotsBytes));
  auto robots = RobotsTxt::parse(content);
  EXPECT_FALSE(allowed(robots, "x", "/" + std::string(300001, 'x')));
  EXPECT_TRUE(allowed(robots, "x", "/" + std::string(299999, 'x')));
  EXPECT_TRUE(allowed(robots, "x", "/123"));
}

TEST(RobotsTxtLimits, CountsLinesAcrossAHundredThousandLines) {
  std::string content = "User-agent: *\n";
  for (int i = 0; i < 100000; ++i) content += (i % 2 == 0) ? "x\n" : "\r\n";
  content += "Disallow: /z\n";
  auto decision = RobotsTxt::parse(content).check("x", "/z");
  EXPECT_FALSE(decision.allowed);
  ASSERT_TRUE(decision.rule.has_value());
  EXPECT_EQ(decision.rule->line, 100002);
}

TEST(RobotsTxtLimits, PathologicalWildcardPatternsFinishWithTheRightAnswer) {
  std::string stars;
  for (int i = 0; i < 2000; ++i) stars += "*a";
  auto robots =
      RobotsTxt::parse("User-agent: *\nDisallow: /" + stars + "*b\nAllow: /" + stars + "$\n");
  const std::string as = "/" + std::string(10000, 'a');
  // No 'b' anywhere: the disallow cannot match; the anchored allow can.
  auto decision = robots.check("x", as);
  EXPECT_TRUE(decision.allowed);
  ASSERT_TRUE(decision.rule.has_value());
  EXPECT_TRUE(decision.rule->allow);
  // With a 'b' at the end both match; the disallow is longer.
  EXPECT_FALSE(allowed(robots, "x", as + "b"));
  // Too few 'a's for 2,000 segments: nothing matches.
  EXPECT_FALSE(robots.check("x", "/" + std::string(1999, 'a') + "b").rule.has_value());
}

TEST(RobotsTxtLimits, ManyStarsWithLongLiteralsFinish) {
  std::string pattern = "/";
  for (int i = 0; i < 500; ++i) pattern += "*aaaaaaaaab";
  auto robots = RobotsTxt::parse("User-agent: *\nDisallow: " + pattern + "\n");
  EXPECT_TRUE(allowed(robots, "x", "/" + std::string(20000, 'a')));
}

TEST(RobotsProductToken, TakesTheLeadingLettersHyphensAndUnderscores) {
  EXPECT_EQ(robots_product_token("crawler/0.1 (+https://x)"), "crawler");
  EXPECT_EQ(robots_product_token("My_Crawler-Bot"), "My_Crawler-Bot");
  EXPECT_EQ(robots_product_token("bot2000"), "bot");
  EXPECT_EQ(robots_product_token("/1.0"), "");
  EXPECT_EQ(robots_product_token(""), "");
}

}  // namespace
}  // namespace crawler::parsers

namespace crawler::parsers {
namespace {

// A file of near-miss wildcard patterns: each costs |path| x |literal|
// byte comparisons by a plain search (430 ms a check for this one).
TEST(RobotsTxtCost, AFileBuiltToBeSlowIsRefusedNotMatchedForever) {
  std::string txt = "User-agent: *\n";
  for (int i = 0; txt.size() < 500 * 1024; ++i)
    txt += "Disallow: /*aaaaaaaaaaaaaaaaab" + std::to_string(i) + "\n";
  RobotsTxt robots = RobotsTxt::parse(txt);
  RobotsDecision decision = robots.check("crawler", "/" + std::string(2000, 'a'));
  EXPECT_FALSE(decision.allowed);
  EXPECT_TRUE(decision.too_costly);
}

TEST(RobotsTxtCost, ALargeOrdinaryFileIsStillMatchedInFull) {
  std::string txt = "User-agent: *\n";
  for (int i = 0; i < 5000; ++i) txt += "Disallow: /*?sort=" + std::to_string(i) + "$\n";
  txt += "Disallow: /private/*.pdf\n";
  RobotsTxt robots = RobotsTxt::parse(txt);
  std::string long_path = "/a/" + std::string(1500, 'b') + "?page=2";
  EXPECT_TRUE(robots.check("crawler", long_path).allowed);
  EXPECT_FALSE(robots.check("crawler", long_path).too_costly);
  EXPECT_FALSE(robots.check("crawler", "/x?sort=4999").allowed);
  EXPECT_FALSE(robots.check("crawler", "/private/" + std::string(1500, 'c') + ".pdf").allowed);
}

}  // namespace
}  // namespace crawler::parsers
