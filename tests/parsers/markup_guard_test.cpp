#include "parsers/markup_guard.hpp"

#include <gtest/gtest.h>

#include <string>

namespace crawler::parsers {
namespace {

std::string repeat(int times, const std::string& markup) {
  std::string html;
  for (int i = 0; i < times; ++i) html += markup;
  return html;
}

std::string nested(int levels, const std::string& tag = "div") {
  return repeat(levels, "<" + tag + ">");
}

MarkupLimits depth(std::size_t max_depth) {
  return MarkupLimits{.max_depth = max_depth};
}

TEST(MarkupGuard, LeavesOrdinaryPagesWhole) {
  std::string html = "<!doctype html><html><head><title>x</title></head><body>" + nested(50) +
                     "<br><img src=x><p>a<p>b<b>c</b><a href='/x?a>b'>d</a></body></html>";
  GuardedMarkup guarded = guard_markup(html, depth(100));
  EXPECT_EQ(guarded.view(html), html);
  EXPECT_FALSE(guarded.rewrote);
  EXPECT_FALSE(guarded.cut);
}

TEST(MarkupGuard, CutsAtTheTagThatPassesTheDepthLimit) {
  std::string html = nested(10);
  GuardedMarkup guarded = guard_markup(html, depth(4));
  EXPECT_EQ(guarded.view(html), nested(4));
  EXPECT_TRUE(guarded.cut);
}

TEST(MarkupGuard, MatchingEndTagsReduceTheDepth) {
  std::string html = repeat(1000, "<div><span></span></div>");
  EXPECT_EQ(guard_markup(html, depth(3)).view(html), html);
}

TEST(MarkupGuard, EndTagsThatMatchNothingDoNotReduceTheDepth) {
  // The tree builder ignores </x> and keeps nesting: so must the model.
  std::string html = repeat(100, "<div></x>");
  EXPECT_TRUE(guard_markup(html, depth(50)).cut);
}

TEST(MarkupGuard, AnEndTagBehindABlockIsIgnored) {
  // </span> with a <div> in front of its <span> changes nothing.
  std::string html = repeat(100, "<span><div></span>");
  EXPECT_TRUE(guard_markup(html, depth(50)).cut);
}

TEST(MarkupGuard, ImplicitlyClosedAndVoidElementsDoNotCount) {
  std::string html =
      nested(1000, "li") + nested(1000, "p") + nested(1000, "br") + nested(1000, "img src=x /");
  EXPECT_EQ(guard_markup(html, depth(10)).view(html), html);
}

TEST(MarkupGuard, SelfClosingSyntaxClosesOnlyInForeignContent) {
  // <div/> opens a div in HTML; <path/> inside <svg> is closed at once.
  EXPECT_TRUE(guard_markup(nested(100, "div/"), depth(50)).cut);
  std::string svg = "<svg>" + nested(1000, "path d='M0 0'/") + "</svg>";
  EXPECT_FALSE(guard_markup(svg, depth(50)).cut);
}

TEST(MarkupGuard, IgnoresMarkupInsideScriptsAndComments) {
  std::string html = "<script>" + nested(100) + "</script><!--" + nested(100) + "-->";
  EXPECT_EQ(guard_markup(html, depth(10)).view(html), html);
}

TEST(MarkupGuard, DropsFormattingStartTagsPastTheCap) {
  std::string html;
  for (int i = 0; i < 10; ++i) html += "<b x=" + std::to_string(i) + ">";
  html += "<a href=/x>text</a>";
  GuardedMarkup guarded = guard_markup(html, MarkupLimits{.max_open_formatting = 3});
  EXPECT_EQ(guarded.view(html), "<b x=0><b x=1><b x=2><a href=/x>text</a>");
  EXPECT_EQ(guarded.dropped_tags, 7u);
}

TEST(MarkupGuard, ClosedFormattingElementsMakeRoomAgain) {
  std::string html = repeat(100, "<b><i>x</i></b>");
  GuardedMarkup guarded = guard_markup(html, MarkupLimits{.max_open_formatting = 2});
  EXPECT_EQ(guarded.view(html), html);
}

TEST(MarkupGuard, DropsAttributesPastTheCapKeepingTheTag) {
  std::string html = "<a href=\"/x\" b='1>2' c=3 d e=5>link</a>";
  GuardedMarkup guarded = guard_markup(html, MarkupLimits{.max_attributes = 3});
  EXPECT_EQ(guarded.view(html), "<a href=\"/x\" b='1>2' c=3 >link</a>");
  EXPECT_EQ(guarded.dropped_attributes, 2u);
}

TEST(MarkupGuard, ToleratesUnterminatedConstructs) {
  EXPECT_EQ(guard_markup("<div><script>never closed", depth(10)).view("<div><script>never closed"),
            "<div><script>never closed");
  std::string stray = "< div <<< <!-- open";
  EXPECT_EQ(guard_markup(stray, depth(10)).view(stray), stray);
  EXPECT_EQ(guard_markup("", depth(10)).view(""), "");
}

}  // namespace
}  // namespace crawler::parsers
