#include "parsers/nesting_guard.hpp"

#include <gtest/gtest.h>

#include <string>

namespace crawler::parsers {
namespace {

std::string nested(int levels, const std::string& tag = "div") {
  std::string html;
  for (int i = 0; i < levels; ++i) html += "<" + tag + ">";
  return html;
}

TEST(NestingGuard, LeavesOrdinaryPagesWhole) {
  std::string html = "<!doctype html><html><head><title>x</title></head><body>" + nested(50) +
                     "<br><img src=x><p>a<p>b</body></html>";
  EXPECT_EQ(nesting_safe_length(html, 100), html.size());
}

TEST(NestingGuard, CutsAtTheTagThatPassesTheLimit) {
  std::string html = nested(10);
  EXPECT_EQ(nesting_safe_length(html, 4), 4 * std::string("<div>").size());
}

TEST(NestingGuard, ClosingTagsReduceTheDepth) {
  std::string html;
  for (int i = 0; i < 1000; ++i) html += "<div><span></span></div>";
  EXPECT_EQ(nesting_safe_length(html, 3), html.size());
}

TEST(NestingGuard, ImplicitlyClosedAndVoidElementsDoNotCount) {
  std::string html =
      nested(1000, "li") + nested(1000, "p") + nested(1000, "br") + nested(1000, "img src=x /");
  EXPECT_EQ(nesting_safe_length(html, 10), html.size());
}

TEST(NestingGuard, IgnoresMarkupInsideScriptsAndComments) {
  std::string html = "<script>" + nested(100) + "</script><!--" + nested(100) + "-->";
  EXPECT_EQ(nesting_safe_length(html, 10), html.size());
}

TEST(NestingGuard, ToleratesUnterminatedConstructs) {
  EXPECT_EQ(nesting_safe_length("<div><script>never closed", 10), 25u);
  EXPECT_EQ(nesting_safe_length("< div <<< <!-- open", 10), 19u);
  EXPECT_EQ(nesting_safe_length("", 10), 0u);
}

}  // namespace
}  // namespace crawler::parsers
