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

// What a browser makes of `input` against `base`: the href, or "failure".
std::string href(std::optional<std::string_view> base, std::string_view input) {
  ParsedUrl parsed = parse_url_for_display(base, input);
  return parsed.error.empty() ? parsed.href : "failure";
}

std::string href(std::string_view input) {
  return href(std::nullopt, input);
}

struct Case {
  const char* base;
  const char* input;
  const char* expected;  // href, or "failure"
};

// Cases from the WHATWG urltestdata.json (web-platform-tests url/resources),
// base "about:blank" written as nullptr.
void expect_cases(std::initializer_list<Case> cases) {
  for (const Case& c : cases) {
    auto base = c.base ? std::optional<std::string_view>(c.base) : std::nullopt;
    EXPECT_EQ(href(base, c.input), c.expected) << "input: " << c.input;
  }
}

TEST(WhatwgUrl, TrimsC0ControlsAndSpacesAndRemovesTabsAndNewlines) {
  expect_cases({
      {"http://example.org/foo/bar", "http://example\t.\norg", "http://example.org/"},
      {"http://example.org/foo/bar", "  \t", "http://example.org/foo/bar"},
      {"http://example.org/foo/bar", "http://f:\n/c", "http://f/c"},
  });
  using namespace std::string_view_literals;
  EXPECT_EQ(href("\0\x1b\x04\x12 http://example.com/\x1f \r "sv), "http://example.com/");
}

TEST(WhatwgUrl, BackslashIsASlashInSpecialUrls) {
  expect_cases({
      {nullptr, "http:\\\\a.com\\x", "http://a.com/x"},
      {"http://example.org/foo/bar", "\\x", "http://example.org/x"},
      {"http://example.org/foo/bar", "\\\\x\\hello", "http://x/hello"},
      {"http://example.org/a/b/c", "..\\y", "http://example.org/a/y"},
      {"http://example.org/foo/bar", ":foo.com\\", "http://example.org/foo/:foo.com/"},
      {"http://example.org/foo/bar", "http://foo.com/\\@", "http://foo.com//@"},
      {"http://example.org/foo/bar", "#\\", "http://example.org/foo/bar#\\"},
      {nullptr, "http://a.com/p?x\\y", "http://a.com/p?x\\y"},
      {nullptr, "sc://ho/a\\b", "sc://ho/a\\b"},
  });
}

TEST(WhatwgUrl, ResolvesSchemeRelativeAndSameSchemeForms) {
  expect_cases({
      {"http://www.example.com/test", "//www.example2.com", "http://www.example2.com/"},
      {"http://example.org/", "///test", "http://test/"},
      {"http://example.org/foo/bar", "http:foo.com", "http://example.org/foo/foo.com"},
      {"http://example.org/foo/bar", "http::@c:29", "http://example.org/foo/:@c:29"},
      {"http://example.org/foo/bar", "http:/x", "http://example.org/x"},
      {"http://example.org/foo/bar", "http:", "http://example.org/foo/bar"},
      {"http://example.org/foo/bar", "https:host/x", "https://host/x"},
      {"https://example.org/", "http:/host/x", "http://host/x"},
      {nullptr, "http:a:b@www.example.com", "http://a:b@www.example.com/"},
      {nullptr, "http:/a:b@www.example.com", "http://a:b@www.example.com/"},
      {nullptr, "http:foo", "http://foo/"},
      {nullptr, "http:////a.com/x", "http://a.com/x"},
  });
}

TEST(WhatwgUrl, ResolvesRelativePaths) {
  expect_cases({
      {"http://www.example.com/test", ".", "http://www.example.com/"},
      {"http://www.example.com/test", "..", "http://www.example.com/"},
      {"http://www.example.com/test", "./test.txt", "http://www.example.com/test.txt"},
      {"http://www.example.com/test", "../../test.txt", "http://www.example.com/test.txt"},
      {"http://www.example.com/test", "../aaa/test.txt", "http://www.example.com/aaa/test.txt"},
      {"http://example.org/foo/bar", ":", "http://example.org/foo/:"},
      {"http://example.org/foo/bar", "::23", "http://example.org/foo/::23"},
      {"http://example.org/foo/bar", "?", "http://example.org/foo/bar?"},
      {"http://example.org/foo/bar", "#", "http://example.org/foo/bar#"},
      {"http://example.org/foo/bar", "#;?", "http://example.org/foo/bar#;?"},
      {"http://user:pass@example.org:21/smth", "/some/path",
       "http://user:pass@example.org:21/some/path"},
      {"http://a.com/x?q#f", "", "http://a.com/x?q"},
      {"http://a.com/x?q#f", "#g", "http://a.com/x?q#g"},
  });
}

TEST(WhatwgUrl, TreatsPercentEncodedDotsAsDotSegments) {
  expect_cases({
      {nullptr, "http://a.com/x/%2e%2E/y", "http://a.com/y"},
      {nullptr, "http://a.com/x/.%2e/y", "http://a.com/y"},
      {nullptr, "http://a.com/x/%2e/y", "http://a.com/x/y"},
      {nullptr, "http://a.com/x/y/%2e%2e", "http://a.com/x/"},
      {nullptr, "http://a.com/x/%2e%2e%2e/y", "http://a.com/x/%2e%2e%2e/y"},
      {nullptr, "http://a.com/.//p", "http://a.com//p"},
  });
}

TEST(WhatwgUrl, MapsUnicodeHostsToPunycode) {
  expect_cases({
      {"http://other.com/", "http://你好你好", "http://xn--6qqa088eba/"},
      {nullptr, "https://faß.ExAmPlE/", "https://xn--fa-hia.example/"},
      {nullptr, "http://bücher.de/", "http://xn--bcher-kva.de/"},
      {nullptr, "http://XN--BCHER-KVA.de/", "http://xn--bcher-kva.de/"},
      {"http://other.com/", "http://Ｇｏ.com", "http://go.com/"},
      {"http://other.com/", "http://www.foo。bar.com", "http://www.foo.bar.com/"},
      {"http://other.com/", "http://GOO\u200b\u2060\ufeffgoo.com", "http://googoo.com/"},
      {nullptr, "sc://faß.ExAmPlE/", "sc://fa%C3%9F.ExAmPlE/"},
  });
}

TEST(WhatwgUrl, DecodesPercentEncodedHostsFirst) {
  expect_cases({
      {nullptr, "http://ex%41mple.com/", "http://example.com/"},
      {"http://other.com/", "http://%30%78%63%30%2e%30%32%35%30.01", "http://192.168.0.1/"},
      {"http://other.com/", "http://%30%78%63%30%2e%30%32%35%30.01%2e", "http://192.168.0.1/"},
      {"http://other.com/", "http://%zz%66%a.com", "failure"},
      {"http://other.com/", "http://%25", "failure"},
      {"http://other.com/", "http://hello%00", "failure"},
      {"http://other.com/", "http://%ef%b7%90zyx.com", "failure"},
      {nullptr, "http://ex%2Fa/", "failure"},
  });
}

TEST(WhatwgUrl, RejectsForbiddenHostCodePoints) {
  expect_cases({
      {"http://other.com/", "http://example example.com", "failure"},
      {"http://other.com/", "http://Goo%20 goo%7C|.com", "failure"},
      {"http://other.com/", "http://GOO\u00a0\u3000goo.com", "failure"},
      {"http://other.com/", "http://\ufdd0zyx.com", "failure"},
      {nullptr, "https://\ufffd", "failure"},
      {"http://other.com/", "http://％４１.com", "failure"},
      {"http://other.com/", "http://％００.com", "failure"},
      {nullptr, "http://a.b.c.xn--pokxncvks", "failure"},
      {nullptr, "http://a<b/", "failure"},
      {nullptr, "http://a^b/", "failure"},
      {nullptr, "sc://a b/", "failure"},
      {nullptr, "sc://%/", "sc://%/"},
      {nullptr, "sc://ñ.test/", "sc://%C3%B1.test/"},
  });
}

TEST(WhatwgUrl, ParsesEveryIpv4Form) {
  expect_cases({
      {nullptr, "http://0x7f.1/", "http://127.0.0.1/"},
      {nullptr, "http://2130706433/", "http://127.0.0.1/"},
      {nullptr, "http://127.1/", "http://127.0.0.1/"},
      {nullptr, "http://0177.0.0.1/", "http://127.0.0.1/"},
      {nullptr, "http://127.0.0.1./", "http://127.0.0.1/"},
      {nullptr, "http://0x/", "http://0.0.0.0/"},
      {"http://other.com/", "http://０Ｘｃ０．０２５０．０１", "http://192.168.0.1/"},
      {"http://other.com/", "http://192.168.0.257", "failure"},
      {nullptr, "http://256.256.256.256/", "failure"},
      {nullptr, "http://1.2.3.08/", "failure"},
      {nullptr, "http://4294967296/", "failure"},
      {nullptr, "http://1.2.3.4.5/", "failure"},
      {nullptr, "http://foo.09/", "failure"},
      {nullptr, "http://10.0.0.xn--pokxncvks", "failure"},
      {nullptr, "http://1.2.3.4.5.com/", "http://1.2.3.4.5.com/"},
      {nullptr, "http://./", "http://./"},
      {nullptr, "http://../", "http://../"},
  });
}

TEST(WhatwgUrl, ParsesAndCompressesIpv6) {
  expect_cases({
      {nullptr, "http://[0:0:0:0:0:0:0:1]/", "http://[::1]/"},
      {nullptr, "http://[1:0::]/", "http://[1::]/"},
      {nullptr, "http://[::ffff:1.2.3.4]/", "http://[::ffff:102:304]/"},
      {nullptr, "http://[1:0:0:2:0:0:0:3]/", "http://[1:0:0:2::3]/"},
      {nullptr, "http://[1:0:2:0:3:0:4:0]/", "http://[1:0:2:0:3:0:4:0]/"},
      {nullptr, "http://[ABCD::]:8080/", "http://[abcd::]:8080/"},
      {"http://other.com/", "http://[]", "failure"},
      {"http://other.com/", "http://[:]", "failure"},
      {"http://other.com/", "http://[google.com]", "failure"},
      {"http://other.com/", "http://[::1.2.3.4x]", "failure"},
      {"http://other.com/", "http://[::1.2.3.]", "failure"},
      {nullptr, "http://[::1/", "failure"},
  });
}

TEST(WhatwgUrl, PercentEncodesPathQueryAndFragmentAsBrowsersDo) {
  expect_cases({
      {"http://www.example.com/test", "中/test.txt", "http://www.example.com/%E4%B8%AD/test.txt"},
      {nullptr, "https://x/\ufffd?\ufffd#\ufffd", "https://x/%EF%BF%BD?%EF%BF%BD#%EF%BF%BD"},
      {"http://example.org/foo/bar", "http://f:21/ b ? d # e ", "http://f:21/%20b%20?%20d%20#%20e"},
      {"http://doesnotmatter/", "http://`{}:`{}@h/`{}?`{}",
       "http://%60%7B%7D:%60%7B%7D@h/%60%7B%7D?`{}"},
      {nullptr, "http://host/?'", "http://host/?%27"},
      {nullptr, "notspecial://host/?'", "notspecial://host/?'"},
      {"http://other.com/", "http://foo:💩@example.com/bar",
       "http://foo:%F0%9F%92%A9@example.com/bar"},
      {nullptr, "http://a.com/%41%zz%", "http://a.com/%41%zz%"},
      {nullptr, "http://a.com/?%41%zz", "http://a.com/?%41%zz"},
      {nullptr, "http://a.com/a\"<>b", "http://a.com/a%22%3C%3Eb"},
  });
}

TEST(WhatwgUrl, SerializesCredentialsAndPorts) {
  expect_cases({
      {nullptr, "https://test:@test", "https://test@test/"},
      {nullptr, "https://:@test", "https://test/"},
      {"http://example.org/foo/bar", "http://::@c@d:2", "http://:%3A%40c@d:2/"},
      {"http://example.org/foo/bar", "http://&a:foo(b]c@d:2/", "http://&a:foo(b%5Dc@d:2/"},
      {"http://doesnotmatter/", "https://@test@test@example:800/",
       "https://%40test%40test@example:800/"},
      {"http://example.org/foo/bar", "http://f:00000000000000/c", "http://f:0/c"},
      {"http://example.org/foo/bar", "http://f:00000000000000000000080/c", "http://f/c"},
      {nullptr, "https://a.com:443/", "https://a.com/"},
      {nullptr, "ws://a.com:80/", "ws://a.com/"},
      {"http://example.org/foo/bar", "http://f:b/c", "failure"},
      {"http://example.org/foo/bar", "http://f: /c", "failure"},
      {"http://example.org/foo/bar", "http://f:999999/c", "failure"},
      {"http://example.org/foo/bar", "non-special://f:999999/c", "failure"},
      {nullptr, "http://a.com:65536/", "failure"},
  });
}

TEST(WhatwgUrl, AnEmptyHostIsAnErrorForSpecialSchemes) {
  expect_cases({
      {nullptr, "http://", "failure"},
      {nullptr, "http:///", "failure"},
      {nullptr, "https://:443/", "failure"},
      {nullptr, "http://user@/www.example.com", "failure"},
      {nullptr, "http://@/www.example.com", "failure"},
      {nullptr, "http:/:@/www.example.com", "failure"},
      {nullptr, "http://@:www.example.com", "failure"},
      {nullptr, "sc://@/", "failure"},
      {nullptr, "sc://:12/", "failure"},
      {"http://example.org/foo/bar", "foo://", "foo://"},
  });
}

TEST(WhatwgUrl, KeepsNonSpecialSchemesMostlyAsWritten) {
  expect_cases({
      {"http://example.org/", "mailto:x@y.z", "mailto:x@y.z"},
      {"http://example.org/", "MAILTO:Someone@Example.COM", "mailto:Someone@Example.COM"},
      {"http://example.org/", "javascript:void(0)", "javascript:void(0)"},
      {nullptr, "data:text/html,<b>hi</b>", "data:text/html,<b>hi</b>"},
      {nullptr, "urn:isbn:1", "urn:isbn:1"},
      {"http://example.org/foo/bar", "a:\t foo.com", "a: foo.com"},
      {nullptr, "lolscheme:x x#x x", "lolscheme:x x#x%20x"},
      {nullptr, "non-special://test:@test/x", "non-special://test@test/x"},
      {nullptr, "about:/../", "about:/"},
      {nullptr, "data:/../", "data:/"},
      {nullptr, "sc:/.//p", "sc:/.//p"},
  });
}

TEST(WhatwgUrl, ResolvesAgainstNonSpecialBasesOnlyWithAHierarchicalPath) {
  expect_cases({
      {"sc:sd", "i", "failure"},
      {"sc:sd/sd", "../i", "failure"},
      {"sc:sd", "?i", "failure"},
      {"sc:/pa/pa", "i", "sc:/pa/i"},
      {"sc://ho/pa", "../i", "sc://ho/i"},
      {"sc:///pa/pa", "/i", "sc:///i"},
      {"sc://ñ", "x", "sc://%C3%B1/x"},
      {"sc:sd", "#i", "sc:sd#i"},
      {"test:test?test", "#", "test:test?test#"},
      {"data:,", "#x", "data:,#x"},
  });
  EXPECT_EQ(parse_url_for_display("mailto:x", "y").error,
            "relative URL with a cannot-be-a-base base");
}

TEST(WhatwgUrl, NeedsABaseForRelativeUrls) {
  EXPECT_EQ(parse_url_for_display(std::nullopt, "/x").error, "relative URL without a base");
  ParsedUrl bad_base = parse_url_for_display("not a url", "x");
  EXPECT_TRUE(bad_base.href.empty());
  EXPECT_TRUE(bad_base.error.starts_with("invalid base URL")) << bad_base.error;
}

TEST(WhatwgUrl, HandlesFileUrlsWithoutDriveLetters) {
  expect_cases({
      {nullptr, "file:///etc/passwd", "file:///etc/passwd"},
      {nullptr, "file://localhost/x", "file:///x"},
      {nullptr, "file://Host/x", "file://host/x"},
      {nullptr, "file:x", "file:///x"},
      {"file:///a/b", "c", "file:///a/c"},
      {"file:///a/b", "//h/c", "file://h/c"},
  });
}

TEST(ParseUrlForDisplay, GivesTheCrawlKeyOnlyForHttp) {
  ParsedUrl page = parse_url_for_display("http://a.com/", "HTTP://B.com:80/p#frag");
  EXPECT_EQ(page.href, "http://b.com/p#frag");
  EXPECT_EQ(page.key, "http://b.com/p");
  EXPECT_EQ(parse_url_for_display("http://a.com/", "mailto:x@y.z").key, std::nullopt);
  EXPECT_EQ(parse_url_for_display("http://a.com/", "ftp://a.com/").key, std::nullopt);
}

TEST(ParseUrlForDisplay, GivesNoKeyForHostsLibcurlRefuses) {
  ParsedUrl odd = parse_url_for_display(std::nullopt, "http://a!b.com/");
  EXPECT_EQ(odd.href, "http://a!b.com/");
  EXPECT_EQ(odd.key, std::nullopt);
}

TEST(ResolveUrl, FollowsTheWhatwgRules) {
  const char* base = "http://example.com/dir/page.html";
  EXPECT_EQ(resolve_url(base, "..\\x\\y"), "http://example.com/x/y");
  EXPECT_EQ(resolve_url(base, "\\\\other.org\\p"), "http://other.org/p");
  EXPECT_EQ(resolve_url(base, "http:x.html"), "http://example.com/dir/x.html");
  EXPECT_EQ(resolve_url(base, "https:other.org/x"), "https://other.org/x");
  EXPECT_EQ(resolve_url(base, "//bücher.de/ü?ü"), "http://xn--bcher-kva.de/%C3%BC?%C3%BC");
  EXPECT_EQ(resolve_url(base, "http://0x7f.1/"), "http://127.0.0.1/");
  EXPECT_EQ(resolve_url(base, "/%7e%zz"), "http://example.com/%7e%zz");
  EXPECT_EQ(resolve_url(base, "http:///x"), "http://x/");
  EXPECT_EQ(resolve_url(base, "http://:80/"), std::nullopt);
  EXPECT_EQ(resolve_url(base, "http://1.2.3.08/"), std::nullopt);
  EXPECT_EQ(resolve_url("mailto:x@y.z", "/x"), std::nullopt);
}

TEST(NormalizeUrl, FollowsTheWhatwgRules) {
  EXPECT_EQ(normalize_url("http://[0:0::1]:80/a/./b/../c?q#f"), "http://[::1]/a/c?q");
  EXPECT_EQ(normalize_url("https://faß.example/"), "https://xn--fa-hia.example/");
  EXPECT_EQ(normalize_url("http://a.com/é"), "http://a.com/%C3%A9");
  EXPECT_EQ(normalize_url("http:\\\\a.com\\x"), "http://a.com/x");
}

TEST(UrlHost, IsTheSerializedHost) {
  EXPECT_EQ(url_host("http://BÜCHER.de:8080/"), "xn--bcher-kva.de");
  EXPECT_EQ(url_host("http://[::1]/"), "[::1]");
  EXPECT_EQ(url_host("http://2130706433/"), "127.0.0.1");
}

TEST(NormalizedHost, MatchesUrlHostOnWhatwgKeys) {
  for (const char* url : {"http://BÜCHER.de:8080/", "http://0x7f.1/", "http://[0::1]/",
                          "http://a%40b:c@d.com/", "http://x.com?q@r", "http://./"}) {
    auto normalized = normalize_url(url);
    ASSERT_TRUE(normalized) << url;
    EXPECT_EQ(normalized_host(*normalized), url_host(*normalized)) << url;
  }
}

TEST(WhatwgUrl, StaysLinearOnLongInputs) {
  std::string dots;
  for (int i = 0; i < 100000; ++i) dots += "../";
  EXPECT_EQ(resolve_url("http://a.com/x/y", dots + "z"), "http://a.com/z");
  std::string host(200000, 'a');
  EXPECT_EQ(url_host("http://" + host + "/"), host);
}

}  // namespace
}  // namespace crawler::parsers
