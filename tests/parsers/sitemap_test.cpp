// Tests for parsers/sitemap.cpp: XML urlsets and indexes (plain, gzipped,
// any namespace prefix), the limits that bound a hostile document (gzip
// bombs, DOCTYPE entity bombs, too many entries), and malformed input
// keeping what came before it. Gzip bodies are built here
// with zlib, so nothing is read from disk or the network.
#include "parsers/sitemap.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <ostream>
#include <stdexcept>
#include <string>

namespace crawler::parsers {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

}  // namespace

// Readable gmock output for entries.
void PrintTo(const SitemapEntry& entry, std::ostream* os) {
  *os << "{loc=\"" << entry.loc << "\", lastmod=\"" << entry.lastmod << "\"}";
}

namespace {

/// Writes a gzip stream (windowBits 31: gzip header) piece by piece.
class GzipWriter {
 public:
  GzipWriter() {
    if (deflateInit2(&stream_, Z_BEST_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      throw std::runtime_error("deflateInit2 failed");
    }
  }
  ~GzipWriter() { deflateEnd(&stream_); }
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;

  void write(std::string_view data) { run(data, Z_NO_FLUSH); }
  /// Ends the stream and returns every compressed byte.
  std::string finish() {
    run({}, Z_FINISH);
    return std::move(out_);
  }

 private:
  void run(std::string_view data, int flush) {
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream_.avail_in = static_cast<uInt>(data.size());
    int rc = Z_OK;
    do {
      char buffer[16 * 1024];
      stream_.next_out = reinterpret_cast<Bytef*>(buffer);
      stream_.avail_out = sizeof buffer;
      rc = deflate(&stream_, flush);
      out_.append(buffer, sizeof buffer - stream_.avail_out);
    } while (stream_.avail_in > 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  }

  z_stream stream_{};
  std::string out_;
};

std::string gzip(std::string_view data) {
  GzipWriter writer;
  writer.write(data);
  return writer.finish();
}

auto entry(std::string loc, std::string lastmod = "") {
  return AllOf(Field(&SitemapEntry::loc, loc), Field(&SitemapEntry::lastmod, lastmod));
}

std::string urlset_of(int count) {
  std::string xml = "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  for (int i = 1; i <= count; ++i) {
    xml += "<url><loc>https://example.com/" + std::to_string(i) + "</loc></url>\n";
  }
  return xml + "</urlset>\n";
}

constexpr std::string_view kUrlset = R"(<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url>
    <loc>https://example.com/</loc>
    <lastmod>2024-01-01</lastmod>
    <changefreq>daily</changefreq>
  </url>
  <url><loc>https://example.com/a</loc><lastmod>2024-02-03T04:05:06+00:00</lastmod></url>
  <url><priority>0.5</priority><loc>https://example.com/b</loc></url>
</urlset>
)";

TEST(SitemapTest, UrlsetListsEachUrlWithItsLastmod) {
  const Sitemap sitemap = parse_sitemap(kUrlset);
  EXPECT_EQ(sitemap.kind, SitemapKind::kUrlSet);
  EXPECT_THAT(sitemap.entries,
              ElementsAre(entry("https://example.com/", "2024-01-01"),
                          entry("https://example.com/a", "2024-02-03T04:05:06+00:00"),
                          entry("https://example.com/b")));
  EXPECT_EQ(sitemap.error, "");
  EXPECT_FALSE(sitemap.truncated);
}

TEST(SitemapTest, SitemapIndexListsEachChildSitemap) {
  const Sitemap sitemap = parse_sitemap(R"(<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://example.com/sitemap1.xml.gz</loc><lastmod>2024-01-01</lastmod></sitemap>
  <sitemap><loc>https://example.com/sitemap2.xml</loc></sitemap>
</sitemapindex>)");
  EXPECT_EQ(sitemap.kind, SitemapKind::kIndex);
  EXPECT_THAT(sitemap.entries,
              ElementsAre(entry("https://example.com/sitemap1.xml.gz", "2024-01-01"),
                          entry("https://example.com/sitemap2.xml")));
  EXPECT_EQ(sitemap.error, "");
}

TEST(SitemapTest, KindHasAReadableName) {
  EXPECT_EQ(to_string(SitemapKind::kUrlSet), "urlset");
  EXPECT_EQ(to_string(SitemapKind::kIndex), "sitemapindex");
  EXPECT_EQ(to_string(SitemapKind::kUnknown), "unknown");
}

TEST(SitemapTest, GzippedUrlsetIsInflatedWhateverItsName) {
  const std::string body = gzip(kUrlset);
  ASSERT_EQ(static_cast<unsigned char>(body[0]), 0x1f);
  const Sitemap sitemap = parse_sitemap(body);
  EXPECT_EQ(sitemap.kind, SitemapKind::kUrlSet);
  EXPECT_THAT(sitemap.entries, ElementsAre(Field(&SitemapEntry::loc, "https://example.com/"),
                                           Field(&SitemapEntry::loc, "https://example.com/a"),
                                           Field(&SitemapEntry::loc, "https://example.com/b")));
  EXPECT_EQ(sitemap.error, "");
}

TEST(SitemapTest, ConcatenatedGzipMembersAreAllInflated) {
  const std::string body = gzip("<urlset><url><loc>https://example.com/1</loc></url>") +
                           gzip("<url><loc>https://example.com/2</loc></url></urlset>");
  const Sitemap sitemap = parse_sitemap(body);
  EXPECT_THAT(sitemap.entries,
              ElementsAre(entry("https://example.com/1"), entry("https://example.com/2")));
  EXPECT_EQ(sitemap.error, "");
}

TEST(SitemapTest, CutGzipKeepsEntriesInflatedSoFarAndReportsIt) {
  std::string xml = urlset_of(2000);
  const std::string body = gzip(xml);
  const Sitemap sitemap = parse_sitemap(std::string_view(body).substr(0, body.size() / 2));
  EXPECT_THAT(sitemap.entries, Not(IsEmpty()));
  EXPECT_LT(sitemap.entries.size(), 2000u);
  EXPECT_EQ(sitemap.error, "gzip: unexpected end of data");
}

TEST(SitemapTest, GzipWithBadChecksumIsReportedAsAnError) {
  std::string body = gzip(kUrlset);
  body[body.size() - 8] = static_cast<char>(body[body.size() - 8] ^ 0xff);  // CRC-32 trailer
  const Sitemap sitemap = parse_sitemap(body);
  EXPECT_EQ(sitemap.entries.size(), 3u);
  EXPECT_EQ(sitemap.error, "gzip: incorrect data check");
}

TEST(SitemapTest, NamespacePrefixesDoNotMatter) {
  const Sitemap sitemap = parse_sitemap(R"(<?xml version="1.0"?>
<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sm:url><sm:loc>https://example.com/p</sm:loc><sm:lastmod>2024-05-06</sm:lastmod></sm:url>
</sm:urlset>)");
  EXPECT_EQ(sitemap.kind, SitemapKind::kUrlSet);
  EXPECT_THAT(sitemap.entries, ElementsAre(entry("https://example.com/p", "2024-05-06")));
  EXPECT_EQ(sitemap.error, "");
}

TEST(SitemapTest, MissingNamespaceIsAccepted) {
  const Sitemap sitemap = parse_sitemap(
      "<sitemapindex><sitemap><loc>https://example.com/s.xml</loc></sitemap>"
      "</sitemapindex>");
  EXPECT_EQ(sitemap.kind, SitemapKind::kIndex);
  EXPECT_THAT(sitemap.entries, ElementsAre(entry("https://example.com/s.xml")));
  EXPECT_EQ(sitemap.error, "");
}

TEST(SitemapTest, UndeclaredPrefixIsNotAnError) {
  // Real sitemaps use image: without declaring it; expat's namespace mode
  // would call that "unbound prefix".
  const Sitemap sitemap = parse_sitemap(
      "<urlset><url><loc>https://example.com/p</loc>"
      "<image:image><image:loc>https://example.com/p.jpg</image:loc></image:image>"
      "</url></urlset>");
  EXPECT_THAT(sitemap.entries, ElementsAre(entry("https://example.com/p")));
  EXPECT_EQ(sitemap.error, "");
}

TEST(SitemapTest, LocTextIsDecodedAccumulatedAndTrimmed) {
  const Sitemap sitemap = parse_sitemap(
      "<urlset>"
      "<url><loc>\n  https://example.com/?a=1&amp;b=2&#38;c=&lt;3&gt;  \n</loc></url>"
      "<url><loc><![CDATA[https://example.com/?x=1&y=2]]></loc></url>"
      "</urlset>");
  EXPECT_THAT(sitemap.entries, ElementsAre(entry("https://example.com/?a=1&b=2&c=<3>"),
                                           entry("https://example.com/?x=1&y=2")));
  EXPECT_EQ(sitemap.error, "");
}

TEST(SitemapTest, LocCountsOnlyAsDirectChildOfItsItem) {
  const Sitemap sitemap = parse_sitemap(
      "<urlset>"
      "<loc>https://example.com/stray</loc>"
      "<sitemap><loc>https://example.com/wrong-item</loc></sitemap>"
      "<url><extra><loc>https://example.com/nested</loc></extra></url>"
      "<url><lastmod>2024-01-01</lastmod></url>"
      "<url><loc>https://example.com/ok</loc><loc>https://example.com/second</loc></url>"
      "<url><loc>   </loc></url>"
      "</urlset>");
  EXPECT_THAT(sitemap.entries, ElementsAre(entry("https://example.com/ok")));
  EXPECT_EQ(sitemap.error, "");
}

TEST(SitemapTest, EmptyUrlsetIsValid) {
  const Sitemap sitemap = parse_sitemap("<urlset/>");
  EXPECT_EQ(sitemap.kind, SitemapKind::kUrlSet);
  EXPECT_THAT(sitemap.entries, IsEmpty());
  EXPECT_EQ(sitemap.error, "");
}

TEST(SitemapTest, MalformedXmlKeepsEarlierEntriesAndReportsTheLine) {
  const Sitemap sitemap = parse_sitemap(
      "<?xml version=\"1.0\"?>\n"
      "<urlset>\n"
      "<url><loc>https://example.com/1</loc></url>\n"
      "<url><loc>https://example.com/2</loc></urlset>\n"
      "<url><loc>https://example.com/3</loc></url>\n");
  EXPECT_EQ(sitemap.kind, SitemapKind::kUrlSet);
  EXPECT_THAT(sitemap.entries, ElementsAre(entry("https://example.com/1")));
  EXPECT_EQ(sitemap.error, "line 4: mismatched tag");
  EXPECT_FALSE(sitemap.truncated);
}

TEST(SitemapTest, BlankLinesBeforeTheDeclarationAreToleratedAndCounted) {
  const Sitemap sitemap = parse_sitemap(
      "\n\n  <?xml version=\"1.0\"?>\n"
      "<urlset><url><loc>https://example.com/1</loc></url>\n"
      "<url>&nbsp;</url></urlset>\n");
  EXPECT_THAT(sitemap.entries, ElementsAre(entry("https://example.com/1")));
  EXPECT_EQ(sitemap.error, "line 5: undefined entity");
}

TEST(SitemapTest, UnfinishedDocumentIsAnError) {
  const Sitemap sitemap = parse_sitemap("<urlset><url><loc>https://example.com/1</loc></url>");
  EXPECT_THAT(sitemap.entries, ElementsAre(entry("https://example.com/1")));
  EXPECT_EQ(sitemap.error, "line 1: no element found");
}

TEST(SitemapTest, BillionLaughsIsRejectedAtItsDoctype) {
  const Sitemap sitemap = parse_sitemap(R"(<?xml version="1.0"?>
<!DOCTYPE urlset [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<urlset><url><loc>https://example.com/&lol9;</loc></url></urlset>
)");
  EXPECT_THAT(sitemap.entries, IsEmpty());
  EXPECT_EQ(sitemap.error, "line 2: DOCTYPE not allowed in a sitemap");
}

TEST(SitemapTest, ExternalEntityIsRejectedAtItsDoctype) {
  const Sitemap sitemap = parse_sitemap(
      "<!DOCTYPE urlset SYSTEM \"file:///etc/passwd\">\n"
      "<urlset><url><loc>https://example.com/</loc></url></urlset>");
  EXPECT_THAT(sitemap.entries, IsEmpty());
  EXPECT_EQ(sitemap.error, "line 1: DOCTYPE not allowed in a sitemap");
}

TEST(SitemapTest, GzipBombStopsAtMaxBytes) {
  // About 100 MB of well-formed XML (whitespace inside the root) squeezed
  // into ~100 KB: without the cap it would be parsed to the end.
  GzipWriter writer;
  writer.write("<urlset><url><loc>https://example.com/1</loc></url>");
  const std::string spaces(1024 * 1024, ' ');
  for (int i = 0; i < 100; ++i) writer.write(spaces);
  writer.write("<url><loc>https://example.com/after</loc></url></urlset>");
  const std::string bomb = writer.finish();
  ASSERT_LT(bomb.size(), 1024u * 1024u);

  const Sitemap sitemap = parse_sitemap(bomb, {.max_bytes = 64 * 1024});
  EXPECT_EQ(sitemap.kind, SitemapKind::kUrlSet);
  EXPECT_THAT(sitemap.entries, ElementsAre(entry("https://example.com/1")));
  EXPECT_TRUE(sitemap.truncated);
  EXPECT_EQ(sitemap.error, "too big: more than 65536 bytes uncompressed");
}

TEST(SitemapTest, PlainBodyStopsAtMaxBytes) {
  const std::string xml = urlset_of(10);
  const std::size_t cut = xml.find("<url><loc>https://example.com/3") + 20;
  const Sitemap sitemap = parse_sitemap(xml, {.max_bytes = cut});
  EXPECT_THAT(sitemap.entries,
              ElementsAre(entry("https://example.com/1"), entry("https://example.com/2")));
  EXPECT_TRUE(sitemap.truncated);
  EXPECT_EQ(sitemap.error, "too big: more than " + std::to_string(cut) + " bytes uncompressed");
}

TEST(SitemapTest, BodyOfExactlyMaxBytesIsWhole) {
  const std::string xml = urlset_of(3);
  const Sitemap sitemap = parse_sitemap(xml, {.max_bytes = xml.size()});
  EXPECT_EQ(sitemap.entries.size(), 3u);
  EXPECT_FALSE(sitemap.truncated);
  EXPECT_EQ(sitemap.error, "");
}

TEST(SitemapTest, StopsAfterMaxEntries) {
  const Sitemap sitemap = parse_sitemap(urlset_of(5), {.max_entries = 3});
  EXPECT_THAT(sitemap.entries,
              ElementsAre(entry("https://example.com/1"), entry("https://example.com/2"),
                          entry("https://example.com/3")));
  EXPECT_TRUE(sitemap.truncated);
  EXPECT_EQ(sitemap.error, "too many entries: more than 3");
}

TEST(SitemapTest, ExactlyMaxEntriesIsNotTruncated) {
  const Sitemap sitemap = parse_sitemap(urlset_of(3), {.max_entries = 3});
  EXPECT_EQ(sitemap.entries.size(), 3u);
  EXPECT_FALSE(sitemap.truncated);
  EXPECT_EQ(sitemap.error, "");
}

TEST(SitemapTest, XhtmlPageIsNotASitemap) {
  const Sitemap sitemap = parse_sitemap(
      "<html><head><title>Hi</title></head>"
      "<body><loc>https://example.com/</loc></body></html>");
  EXPECT_EQ(sitemap.kind, SitemapKind::kUnknown);
  EXPECT_THAT(sitemap.entries, IsEmpty());
  EXPECT_EQ(sitemap.error, "not a sitemap: root element <html>");
}

TEST(SitemapTest, HtmlPageWithDoctypeIsNotASitemap) {
  const Sitemap sitemap = parse_sitemap("<!DOCTYPE html>\n<html><body><p>Hello</body></html>");
  EXPECT_EQ(sitemap.kind, SitemapKind::kUnknown);
  EXPECT_EQ(sitemap.error, "not a sitemap: <!DOCTYPE html>");
}

TEST(SitemapTest, EmptyBodyIsAnError) {
  for (const std::string_view body : {"", " \r\n\t\n"}) {
    const Sitemap sitemap = parse_sitemap(body);
    EXPECT_EQ(sitemap.kind, SitemapKind::kUnknown);
    EXPECT_THAT(sitemap.entries, IsEmpty());
    EXPECT_EQ(sitemap.error, "empty body");
  }
}

TEST(SitemapTest, GzippedEmptyBodyIsAnError) {
  EXPECT_EQ(parse_sitemap(gzip("")).error, "empty body");
}

}  // namespace
}  // namespace crawler::parsers
