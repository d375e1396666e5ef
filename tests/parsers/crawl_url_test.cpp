#include "parsers/crawl_url.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "parsers/url.hpp"

namespace crawler::parsers {
namespace {

CrawlUrl make(std::string_view url) {
  auto crawl_url = CrawlUrl::normalize(url);
  EXPECT_TRUE(crawl_url) << url;
  return crawl_url.value_or(CrawlUrl());
}

TEST(CrawlUrl, AnEmptyOneHasNoOriginOrHost) {
  CrawlUrl url;
  EXPECT_TRUE(url.empty());
  EXPECT_EQ(url.text(), "");
  EXPECT_EQ(url.origin(), "");
  EXPECT_EQ(url.host(), "");
}

TEST(CrawlUrl, ADefaultPortIsDroppedFromTheOrigin) {
  CrawlUrl url = make("HTTP://Example.COM:80/a/b?q=1#f");
  EXPECT_EQ(url.text(), "http://example.com/a/b?q=1");
  EXPECT_EQ(url.origin(), "http://example.com");
  EXPECT_EQ(url.host(), "example.com");
  CrawlUrl secure = make("https://example.com:443");
  EXPECT_EQ(secure.text(), "https://example.com/");
  EXPECT_EQ(secure.origin(), "https://example.com");
  EXPECT_EQ(secure.host(), "example.com");
}

TEST(CrawlUrl, AnExplicitPortIsPartOfTheOriginNotTheHost) {
  CrawlUrl url = make("https://example.com:8443/x");
  EXPECT_EQ(url.origin(), "https://example.com:8443");
  EXPECT_EQ(url.host(), "example.com");
  CrawlUrl query = make("http://a.test:81?x");
  EXPECT_EQ(query.origin(), "http://a.test:81");
  EXPECT_EQ(query.host(), "a.test");
}

TEST(CrawlUrl, AnIpv6LiteralKeepsItsBrackets) {
  CrawlUrl url = make("http://[::1]:8080/p");
  EXPECT_EQ(url.origin(), "http://[::1]:8080");
  EXPECT_EQ(url.host(), "[::1]");
  CrawlUrl mapped = make("http://[::FFFF:127.0.0.1]/");
  EXPECT_EQ(mapped.origin(), "http://[::ffff:7f00:1]");
  EXPECT_EQ(mapped.host(), "[::ffff:7f00:1]");
}

TEST(CrawlUrl, UserinfoIsGoneBeforeTheHostIsFound) {
  CrawlUrl url = make("https://user:pw@EXAMPLE.com:443/a/./b/../c");
  EXPECT_EQ(url.text(), "https://example.com/a/c");
  EXPECT_EQ(url.origin(), "https://example.com");
  EXPECT_EQ(url.host(), "example.com");
}

TEST(CrawlUrl, ResolvesLikeResolveUrl) {
  auto url = CrawlUrl::resolve("http://example.com/dir/page.html", "../up/x.html?q=1#frag");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->text(), "http://example.com/up/x.html?q=1");
  EXPECT_EQ(url->origin(), "http://example.com");
  EXPECT_FALSE(CrawlUrl::resolve("http://example.com/", "mailto:a@b.c"));
  EXPECT_FALSE(CrawlUrl::normalize("not a url"));
}

TEST(CrawlUrl, CopiesAndMovesKeepTheirViewsOnTheirOwnText) {
  CrawlUrl url = make("http://a.test:81/x");
  CrawlUrl copy = url;
  EXPECT_EQ(copy, url);
  EXPECT_EQ(copy.origin().data(), copy.text().data());
  CrawlUrl moved = std::move(url);
  EXPECT_EQ(moved.host(), "a.test");
  EXPECT_EQ(moved.origin(), "http://a.test:81");
  std::string text = std::move(moved).release();
  EXPECT_EQ(text, "http://a.test:81/x");
  EXPECT_TRUE(moved.empty());  // NOLINT(bugprone-use-after-move): release leaves it empty
  EXPECT_EQ(moved.origin(), "");
}

// The property: a CrawlUrl's origin and host are what the slicers give for
// its text, over the URL fuzzer's corpus (base\nhref) and more.
TEST(CrawlUrl, AgreesWithNormalizedOriginAndHostOverACorpus) {
  std::vector<std::pair<std::string, std::string>> inputs = {
      {"http://example.com/", "//other.org:8080/x?y#z"},
      {"https://a.b.c.example/", "HTTPS://[2001:DB8::1]:443/"},
      {"http://example.com/", "http://0x7f.1:99"},
      {"http://example.com/", "http://ex%41mple.com/"},
      {"http://example.com/", "https://bücher.example/ä"},
      {"http://example.com/a", "?q"},
      {"http://example.com/a", "http://u@h.test:0/"},
      {"http://example.com/a", "http://h.test:65535/"},
      {"http://example.com/a", "http://h.test./"},
  };
  std::filesystem::path corpus =
      std::filesystem::path(CRAWLER_SOURCE_DIR) / "tests/fuzz/corpus/url_fuzzer";
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string data = text.str();
    auto newline = data.find('\n');
    if (newline == std::string::npos) {
      inputs.emplace_back(data, "");
    } else {
      std::string href = data.substr(newline + 1);
      if (href.ends_with('\n')) href.pop_back();
      inputs.emplace_back(data.substr(0, newline), href);
    }
  }
  std::size_t checked = 0;
  auto agree = [&](const std::optional<CrawlUrl>& url) {
    if (!url) return;
    ++checked;
    EXPECT_EQ(url->origin(), normalized_origin(url->text())) << url->text();
    EXPECT_EQ(url->host(), normalized_host(url->text())) << url->text();
    EXPECT_EQ(url->host(), url_host(url->text())) << url->text();
    EXPECT_TRUE(url->text().starts_with(url->origin())) << url->text();
  };
  for (const auto& [base, href] : inputs) {
    agree(CrawlUrl::normalize(base));
    agree(CrawlUrl::normalize(href));
    agree(CrawlUrl::resolve(base, href));
  }
  EXPECT_GE(checked, inputs.size() * 2);
}

}  // namespace
}  // namespace crawler::parsers
