#include "parsers/url.hpp"

#include <gtest/gtest.h>

namespace crawler::parsers {
namespace {

TEST(ResolveUrl, ResolvesRelativeReferencesAgainstTheBase) {
  const char* base = "http://example.com/dir/page.html";
  EXPECT_EQ(resolve_url(base, "a.html"), "http://example.com/dir/a.html");
  EXPECT_EQ(resolve_url(base, "./b.html"), "http://example.com/dir/b.html");
  EXPECT_EQ(resolve_url(base, "../up.html"), "http://example.com/up.html");
  EXPECT_EQ(resolve_url(base, "/abs"), "http://example.com/abs");
  EXPECT_EQ(resolve_url(base, "?q=1"), "http://example.com/dir/page.html?q=1");
  EXPECT_EQ(resolve_url(base, "//other.org/x"), "http://other.org/x");
}

TEST(ResolveUrl, DropsTheFragment) {
  EXPECT_EQ(resolve_url("http://example.com/", "d.html#frag"), "http://example.com/d.html");
  EXPECT_EQ(resolve_url("http://example.com/p#top", ""), "http://example.com/p");
}

TEST(ResolveUrl, AFragmentOnlyReferenceIsTheBaseDocument) {
  EXPECT_EQ(resolve_url("http://a.com/dir/page.html?x=1", "#top"),
            "http://a.com/dir/page.html?x=1");
  EXPECT_EQ(resolve_url("http://a.com/dir/page.html", ""), "http://a.com/dir/page.html");
}

TEST(ResolveUrl, LowerCasesSchemeAndHostButNotPath) {
  EXPECT_EQ(resolve_url("http://example.com/", "HTTP://EXAMPLE.COM/Path"),
            "http://example.com/Path");
}

TEST(ResolveUrl, DropsTheDefaultPortAndKeepsOthers) {
  EXPECT_EQ(resolve_url("http://a.com/", "http://a.com:80/x"), "http://a.com/x");
  EXPECT_EQ(resolve_url("http://a.com/", "https://a.com:443/x"), "https://a.com/x");
  EXPECT_EQ(resolve_url("http://a.com/", "http://a.com:8080/x"), "http://a.com:8080/x");
}

TEST(ResolveUrl, RemovesDotSegments) {
  EXPECT_EQ(resolve_url("http://a.com/", "http://a.com/x/../y/./z"), "http://a.com/y/z");
}

TEST(ResolveUrl, RejectsNonHttpSchemes) {
  const char* base = "http://example.com/";
  EXPECT_EQ(resolve_url(base, "mailto:someone@example.com"), std::nullopt);
  EXPECT_EQ(resolve_url(base, "javascript:void(0)"), std::nullopt);
  EXPECT_EQ(resolve_url(base, "ftp://example.com/file"), std::nullopt);
  EXPECT_EQ(resolve_url(base, "data:text/html,hi"), std::nullopt);
}

TEST(ResolveUrl, StripsWhitespaceAndControlCharacters) {
  EXPECT_EQ(resolve_url("http://a.com/", "  /x\n/y\t "), "http://a.com/x/y");
}

TEST(ResolveUrl, EncodesSpacesInsteadOfFailing) {
  EXPECT_EQ(resolve_url("http://a.com/", "/a b"), "http://a.com/a%20b");
}

TEST(ResolveUrl, RejectsAnInvalidBase) {
  EXPECT_EQ(resolve_url("not a url", "x.html"), std::nullopt);
}

TEST(NormalizeUrl, AddsTheRootPath) {
  EXPECT_EQ(normalize_url("http://Example.COM"), "http://example.com/");
}

TEST(NormalizeUrl, RejectsRelativeAndForeignUrls) {
  EXPECT_EQ(normalize_url("/relative"), std::nullopt);
  EXPECT_EQ(normalize_url("ftp://a.com/"), std::nullopt);
  EXPECT_EQ(normalize_url("http://"), std::nullopt);
}

TEST(UrlHost, IsLowerCaseWithoutPort) {
  EXPECT_EQ(url_host("http://WWW.A.com:8080/x"), "www.a.com");
  EXPECT_EQ(url_host("garbage"), "");
}

TEST(NormalizedHost, MatchesUrlHostOnNormalizedUrls) {
  for (const char* url : {"http://a.com/", "http://a.com:8080/x?y", "https://user:pw@b.org/p",
                          "http://[::1]:8080/", "http://127.0.0.1/#f", "http://a.com?q"}) {
    auto normalized = normalize_url(url);
    ASSERT_TRUE(normalized) << url;
    EXPECT_EQ(normalized_host(*normalized), url_host(*normalized)) << url;
  }
  EXPECT_EQ(normalized_host("no scheme"), "");
}

}  // namespace
}  // namespace crawler::parsers
