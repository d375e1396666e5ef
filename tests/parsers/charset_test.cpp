// Tests for parsers/charset: legacy encodings decode to the expected UTF-8,
// the encoding is chosen in WHATWG order (BOM, header, meta, sniff,
// default), and no input (lying labels, truncation, garbage) fails, throws
// or yields invalid UTF-8.
#include "parsers/charset.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

namespace crawler::parsers {
namespace {

using namespace std::string_literals;

constexpr std::string_view kHtml = "text/html";

// Valid UTF-8 survives a UTF-8 decode unchanged; anything else does not.
bool is_valid_utf8(const std::string& s) {
  return decode_html(s, "text/html; charset=utf-8").utf8 == s;
}

std::string decoded_as(std::string_view body, std::string_view charset) {
  return decode_html(body, "text/html; charset=" + std::string(charset)).utf8;
}

// ---- Legacy encodings ------------------------------------------------------

TEST(CharsetDecode, Windows1252DecodesLatinLettersAndTheEuroSign) {
  EXPECT_EQ(decoded_as("caf\xe9", "windows-1252"), "café");
  EXPECT_EQ(decoded_as("\x80 5", "windows-1252"), "€ 5");
  EXPECT_EQ(decoded_as("\x93quoted\x94", "windows-1252"), "“quoted”");
}

TEST(CharsetDecode, Windows1252HolesBecomeC1ControlsAsInTheWhatwgIndex) {
  EXPECT_EQ(decoded_as("\x81", "windows-1252"), "\xC2\x81");
}

TEST(CharsetDecode, Latin1LabelDecodesAsWindows1252) {
  const DecodedHtml decoded = decode_html("\x80", "text/html; charset=ISO-8859-1");
  EXPECT_EQ(decoded.encoding, "windows-1252");
  EXPECT_EQ(decoded.utf8, "€");
}

TEST(CharsetDecode, Iso88592DecodesPolishLetters) {
  EXPECT_EQ(decoded_as("\xb1", "iso-8859-2"), "ą");
}

TEST(CharsetDecode, Iso88595AndIso88597DecodeCyrillicAndGreek) {
  EXPECT_EQ(decoded_as("\xbf\xe0\xd8\xd2\xd5\xe2", "iso-8859-5"), "Привет");
  EXPECT_EQ(decoded_as("\xe1\xe2\xe3", "iso-8859-7"), "αβγ");
}

TEST(CharsetDecode, Koi8rAndWindows1251DecodeCyrillic) {
  EXPECT_EQ(decoded_as("\xf0\xd2\xc9\xd7\xc5\xd4", "koi8-r"), "Привет");
  EXPECT_EQ(decoded_as("\xcf\xf0\xe8\xe2\xe5\xf2", "windows-1251"), "Привет");
}

TEST(CharsetDecode, ShiftJisDecodesKanjiAndMicrosoftExtensions) {
  EXPECT_EQ(decoded_as("\x93\xfa\x96\x7b", "shift_jis"), "日本");
  EXPECT_EQ(decoded_as("\x87\x40", "x-sjis"), "①");  // NEC row 13, CP932 only
}

TEST(CharsetDecode, EucJpAndIso2022JpDecodeJapanese) {
  EXPECT_EQ(decoded_as("\xc6\xfc\xcb\xdc", "euc-jp"), "日本");
  EXPECT_EQ(decoded_as("a\x1b$BF|K\\\x1b(Bz", "iso-2022-jp"), "a日本z");
}

TEST(CharsetDecode, GbkAndGb2312DecodeChinese) {
  EXPECT_EQ(decoded_as("\xd6\xd0\xce\xc4", "gbk"), "中文");
  EXPECT_EQ(decoded_as("\xd6\xd0\xce\xc4", "gb2312"), "中文");
}

TEST(CharsetDecode, GbkSingleByte0x80IsTheEuroSign) {
  EXPECT_EQ(decoded_as("\x80", "gbk"), "€");
}

TEST(CharsetDecode, Gb18030DecodesFourByteSequences) {
  EXPECT_EQ(decoded_as("\x90\x30\x81\x30", "gb18030"), "\xF0\x90\x80\x80");  // U+10000
  EXPECT_EQ(decoded_as("\x95\x32\x82\x36", "gb18030"), "𠀀");                // U+20000
}

TEST(CharsetDecode, Big5DecodesTraditionalChinese) {
  EXPECT_EQ(decoded_as("\xa4\xa4\xa4\xe5", "big5"), "中文");
}

TEST(CharsetDecode, EucKrDecodesHangulIncludingWindows949Extensions) {
  EXPECT_EQ(decoded_as("\xc7\xd1\xb1\xdb", "euc-kr"), "한글");
  EXPECT_EQ(decoded_as("\x81\x41", "ks_c_5601-1987"), "갂");  // UHC only
}

TEST(CharsetDecode, Utf16LabelsDecodeWithoutBom) {
  EXPECT_EQ(decoded_as("h\0i\0"s, "utf-16le"), "hi");
  EXPECT_EQ(decoded_as("\0h\0i"s, "utf-16be"), "hi");
}

// ---- Choosing the encoding -------------------------------------------------

TEST(CharsetChoice, Utf8BomWinsOverHeaderAndIsRemoved) {
  const DecodedHtml decoded = decode_html(
      "\xEF\xBB\xBF"
      "caf\xc3\xa9",
      "text/html; charset=windows-1252");
  EXPECT_EQ(decoded.utf8, "café");
  EXPECT_EQ(decoded.encoding, "utf-8");
  EXPECT_EQ(decoded.source, "bom");
}

TEST(CharsetChoice, Utf16BomsSelectUtf16) {
  const DecodedHtml le = decode_html("\xFF\xFEh\0\xe9\0"s, "text/html; charset=utf-8");
  EXPECT_EQ(le.utf8, "hé");
  EXPECT_EQ(le.encoding, "utf-16le");
  EXPECT_EQ(le.source, "bom");
  const DecodedHtml be = decode_html("\xFE\xFF\0h\x65\xe5"s, kHtml);
  EXPECT_EQ(be.utf8, "h日");
  EXPECT_EQ(be.encoding, "utf-16be");
}

TEST(CharsetChoice, HeaderWinsOverMeta) {
  const DecodedHtml decoded =
      decode_html("<meta charset=utf-8><p>\xe9", "text/html; charset=iso-8859-2");
  EXPECT_EQ(decoded.encoding, "iso-8859-2");
  EXPECT_EQ(decoded.source, "header");
  EXPECT_EQ(decoded.utf8, "<meta charset=utf-8><p>é");
}

TEST(CharsetChoice, HeaderCharsetMayBeQuotedAnyCaseAndAmongOtherParameters) {
  EXPECT_EQ(decode_html("", "Text/HTML; foo=\"a;b\"; CharSet=\"Shift_JIS\"").encoding, "shift_jis");
  EXPECT_EQ(decode_html("", "text/html;charset=  gbk  ").encoding, "gbk");
}

TEST(CharsetChoice, UnknownHeaderCharsetFallsThroughToMeta) {
  const DecodedHtml decoded =
      decode_html("<meta charset=koi8-r>", "text/html; charset=no-such-thing");
  EXPECT_EQ(decoded.encoding, "koi8-r");
  EXPECT_EQ(decoded.source, "meta");
}

TEST(CharsetChoice, MetaCharsetAttributeIsFound) {
  const DecodedHtml decoded =
      decode_html("<!doctype html><html><head><META CharSet='Shift_JIS'>\x93\xfa", kHtml);
  EXPECT_EQ(decoded.encoding, "shift_jis");
  EXPECT_EQ(decoded.source, "meta");
  EXPECT_THAT(decoded.utf8, ::testing::EndsWith("日"));
}

TEST(CharsetChoice, MetaHttpEquivContentTypeIsFoundWithAttributesInAnyOrder) {
  EXPECT_EQ(
      decode_html("<meta content=\"text/html; charset=euc-kr\" http-equiv=\"Content-Type\">", kHtml)
          .encoding,
      "euc-kr");
  EXPECT_EQ(decode_html("<meta http-equiv=content-type content='text/html;charset=\"gbk\"'>", kHtml)
                .encoding,
            "gbk");
}

TEST(CharsetChoice, MetaContentWithoutHttpEquivIsIgnored) {
  EXPECT_EQ(decode_html("<meta content=\"text/html; charset=euc-kr\">", kHtml).source, "default");
}

TEST(CharsetChoice, MetaInsideCommentIsIgnored) {
  const DecodedHtml decoded =
      decode_html("<!-- <meta charset=shift_jis> --><meta charset=koi8-r>", kHtml);
  EXPECT_EQ(decoded.encoding, "koi8-r");
  EXPECT_EQ(decode_html("<!-- <meta charset=shift_jis>", kHtml).source, "default");
  // The comment ends at "-->", not at the first '>'.
  EXPECT_EQ(decode_html("<!-- a > b <meta charset=shift_jis> -->", kHtml).source, "default");
  EXPECT_EQ(decode_html("<!--><meta charset=koi8-r>", kHtml).encoding, "koi8-r");
}

TEST(CharsetChoice, MetaInsideAnotherTagsAttributeIsIgnored) {
  EXPECT_EQ(decode_html("<div title='<meta charset=shift_jis>'></div>", kHtml).source, "default");
}

TEST(CharsetChoice, MetaBeyondThePrescanWindowIsIgnored) {
  const std::string tag = "<meta charset=shift_jis>";
  EXPECT_EQ(decode_html(std::string(kPrescanBytes, ' ') + tag, kHtml).source, "default");
  // Starting inside the window but ending outside it is not enough either.
  EXPECT_EQ(decode_html(std::string(kPrescanBytes - 10, ' ') + tag, kHtml).source, "default");
  EXPECT_EQ(decode_html(std::string(kPrescanBytes - tag.size(), ' ') + tag, kHtml).encoding,
            "shift_jis");
}

TEST(CharsetChoice, MetaUtf16InAnAsciiDocumentMeansUtf8) {
  const DecodedHtml decoded = decode_html("<meta charset=utf-16>caf\xc3\xa9", kHtml);
  EXPECT_EQ(decoded.encoding, "utf-8");
  EXPECT_EQ(decoded.source, "meta");
  EXPECT_THAT(decoded.utf8, ::testing::EndsWith("café"));
}

TEST(CharsetChoice, MetaXUserDefinedMeansWindows1252) {
  EXPECT_EQ(decode_html("<meta charset=x-user-defined>", kHtml).encoding, "windows-1252");
}

TEST(CharsetChoice, MetaWithUnknownCharsetIsSkippedForALaterOne) {
  EXPECT_EQ(decode_html("<meta charset=bogus><meta charset=big5>", kHtml).encoding, "big5");
}

TEST(CharsetChoice, ValidUtf8WithNonAsciiIsSniffedAsUtf8) {
  const DecodedHtml decoded = decode_html("<p>日本語</p>", kHtml);
  EXPECT_EQ(decoded.encoding, "utf-8");
  EXPECT_EQ(decoded.source, "sniff");
  EXPECT_EQ(decoded.utf8, "<p>日本語</p>");
}

TEST(CharsetChoice, Utf8CutMidCharacterByABodyLimitIsStillSniffedAsUtf8) {
  const DecodedHtml decoded = decode_html("日本\xe8\xaa", kHtml);
  EXPECT_EQ(decoded.encoding, "utf-8");
  EXPECT_EQ(decoded.utf8, "日本\xEF\xBF\xBD");
}

TEST(CharsetChoice, LoneUtf8LeadByteAtTheEndIsNotEnoughToSniffUtf8) {
  EXPECT_EQ(decode_html("caf\xe9", kHtml).encoding, "windows-1252");
  EXPECT_EQ(decode_html("caf\xc3\xa9 \xe2\x82", kHtml).encoding, "utf-8");
}

TEST(CharsetChoice, InvalidUtf8FallsBackToWindows1252) {
  const DecodedHtml decoded = decode_html("caf\xe9 cr\xe8me", kHtml);
  EXPECT_EQ(decoded.encoding, "windows-1252");
  EXPECT_EQ(decoded.source, "default");
  EXPECT_EQ(decoded.utf8, "café crème");
}

TEST(CharsetChoice, PureAsciiIsWindows1252ByDefault) {
  const DecodedHtml decoded = decode_html("<p>hello</p>", "");
  EXPECT_EQ(decoded.encoding, "windows-1252");
  EXPECT_EQ(decoded.source, "default");
  EXPECT_EQ(decoded.utf8, "<p>hello</p>");
}

// ---- Bad input -------------------------------------------------------------

TEST(CharsetRobustness, LyingUtf8LabelReplacesEachInvalidSequence) {
  const DecodedHtml decoded = decode_html("caf\xe9 ok", "text/html; charset=utf-8");
  EXPECT_EQ(decoded.encoding, "utf-8");
  EXPECT_EQ(decoded.utf8, "caf\xEF\xBF\xBD ok");
}

TEST(CharsetRobustness, Utf8ReplacementFollowsWhatwgMaximalSubparts) {
  // Overlong, surrogate, too-large, and a lead byte interrupted by ASCII.
  EXPECT_EQ(decoded_as("\xc0\xaf", "utf-8"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(decoded_as("\xed\xa0\x80", "utf-8"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(decoded_as("\xf4\x90\x80\x80", "utf-8"),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(decoded_as("\xe6\x97x", "utf-8"), "\xEF\xBF\xBDx");
}

TEST(CharsetRobustness, LyingShiftJisLabelReplacesInvalidBytesAndContinues) {
  const DecodedHtml decoded = decode_html("\x93\xfa\xff\x96\x7b", "text/html; charset=sjis");
  EXPECT_EQ(decoded.encoding, "shift_jis");
  EXPECT_EQ(decoded.utf8, "日\xEF\xBF\xBD本");
}

TEST(CharsetRobustness, TruncatedMultibyteSequenceAtTheEndBecomesOneReplacement) {
  EXPECT_EQ(decoded_as("\x93\xfa\x96", "shift_jis"), "日\xEF\xBF\xBD");
  EXPECT_EQ(decoded_as("\xd6\xd0\xce", "gbk"), "中\xEF\xBF\xBD");
  EXPECT_EQ(decoded_as("\xe6\x97", "utf-8"), "\xEF\xBF\xBD");
  EXPECT_EQ(decoded_as("h\0i"s, "utf-16le"), "h\xEF\xBF\xBD");
}

TEST(CharsetRobustness, LoneUtf16SurrogateIsReplacedWithoutMisaligningTheRest) {
  EXPECT_EQ(decoded_as("\x00\xd8h\0i\0"s, "utf-16le"), "\xEF\xBF\xBDhi");
}

TEST(CharsetRobustness, BinaryGarbageInEveryEncodingYieldsBoundedValidUtf8) {
  std::mt19937 random(12345);
  std::string garbage(4096, '\0');
  for (char& c : garbage) c = static_cast<char>(random() & 0xFF);
  for (const char* label :
       {"utf-8",        "windows-1252", "x-user-defined", "ibm866",       "iso-8859-2",
        "iso-8859-3",   "iso-8859-4",   "iso-8859-5",     "iso-8859-6",   "iso-8859-7",
        "iso-8859-8",   "iso-8859-8-i", "iso-8859-10",    "iso-8859-13",  "iso-8859-14",
        "iso-8859-15",  "iso-8859-16",  "koi8-r",         "koi8-u",       "macintosh",
        "windows-874",  "windows-1250", "windows-1251",   "windows-1253", "windows-1254",
        "windows-1255", "windows-1256", "windows-1257",   "windows-1258", "x-mac-cyrillic",
        "gbk",          "gb18030",      "big5",           "euc-jp",       "iso-2022-jp",
        "shift_jis",    "euc-kr",       "utf-16be",       "utf-16le"}) {
    const DecodedHtml decoded = decode_html(garbage, "text/html; charset="s + label);
    EXPECT_EQ(decoded.encoding, label);
    EXPECT_TRUE(is_valid_utf8(decoded.utf8)) << label;
    EXPECT_LE(decoded.utf8.size(), 3 * garbage.size()) << label;
  }
  const DecodedHtml sniffed = decode_html(garbage, "");
  EXPECT_EQ(sniffed.encoding, "windows-1252");
  EXPECT_TRUE(is_valid_utf8(sniffed.utf8));
}

TEST(CharsetRobustness, EmptyBodyDecodesToEmpty) {
  const DecodedHtml decoded = decode_html("", "");
  EXPECT_EQ(decoded.utf8, "");
  EXPECT_EQ(decoded.source, "default");
  EXPECT_EQ(decode_html("\xEF\xBB\xBF", "").utf8, "");
}

TEST(CharsetRobustness, UnterminatedTagsAndAttributesEndThePrescanQuietly) {
  for (const char* body : {"<meta charset=", "<meta charset='utf-8", "<meta", "<!--",
                           "<a href=", "<meta http-equiv=content-type content=\"charset=", "</",
                           "<?x", "<meta charset=\"koi8-r\"", "<meta/charset=gbk/>"}) {
    EXPECT_NO_THROW(decode_html(body, kHtml)) << body;
  }
  EXPECT_EQ(decode_html("<meta charset=\"koi8-r\"", kHtml).source, "default");
  // An unquoted value runs to whitespace or '>': "gbk/" is no label.
  EXPECT_EQ(decode_html("<meta/charset=gbk/>", kHtml).source, "default");
  EXPECT_EQ(decode_html("<meta/charset=gbk>", kHtml).encoding, "gbk");
}

TEST(CharsetRobustness, MegabytesOfInvalidBytesDecodeInLinearTime) {
  const std::string body(1 << 20, '\xff');
  const DecodedHtml decoded = decode_html(body, "text/html; charset=shift_jis");
  EXPECT_EQ(decoded.utf8.size(), 3 * body.size());
}

// ---- Labels ----------------------------------------------------------------

TEST(CanonicalEncoding, MapsLatin1AndAsciiLabelsToWindows1252) {
  for (const char* label : {"latin1", "iso-8859-1", "ISO_8859-1:1987", "ascii", "us-ascii"}) {
    EXPECT_EQ(canonical_encoding(label), "windows-1252") << label;
  }
}

TEST(CanonicalEncoding, MapsCjkAliases) {
  EXPECT_EQ(canonical_encoding("x-sjis"), "shift_jis");
  EXPECT_EQ(canonical_encoding("SJIS"), "shift_jis");
  EXPECT_EQ(canonical_encoding("gb2312"), "gbk");
  EXPECT_EQ(canonical_encoding("x-gbk"), "gbk");
  EXPECT_EQ(canonical_encoding("chinese"), "gbk");
  EXPECT_EQ(canonical_encoding("gb18030"), "gb18030");
  EXPECT_EQ(canonical_encoding("ks_c_5601-1987"), "euc-kr");
  EXPECT_EQ(canonical_encoding("korean"), "euc-kr");
  EXPECT_EQ(canonical_encoding("big5-hkscs"), "big5");
  EXPECT_EQ(canonical_encoding("x-euc-jp"), "euc-jp");
}

TEST(CanonicalEncoding, MapsUnicodeLabels) {
  EXPECT_EQ(canonical_encoding("utf8"), "utf-8");
  EXPECT_EQ(canonical_encoding("unicode-1-1-utf-8"), "utf-8");
  EXPECT_EQ(canonical_encoding("utf-16"), "utf-16le");
  EXPECT_EQ(canonical_encoding("UTF-16BE"), "utf-16be");
}

TEST(CanonicalEncoding, KeepsCanonicalNames) {
  for (const char* name : {"iso-8859-2", "iso-8859-16", "windows-1250", "windows-1258", "koi8-r",
                           "koi8-u", "euc-jp", "iso-2022-jp", "big5"}) {
    EXPECT_EQ(canonical_encoding(name), name);
  }
  EXPECT_EQ(canonical_encoding("iso-8859-9"), "windows-1254");
  EXPECT_EQ(canonical_encoding("tis-620"), "windows-874");
}

TEST(CanonicalEncoding, IgnoresCaseAndSurroundingAsciiWhitespace) {
  EXPECT_EQ(canonical_encoding("  \tUTF-8\r\n "), "utf-8");
  EXPECT_EQ(canonical_encoding("Shift_JIS"), "shift_jis");
}

TEST(CanonicalEncoding, ReturnsEmptyForUnknownAndReplacementLabels) {
  EXPECT_EQ(canonical_encoding(""), "");
  EXPECT_EQ(canonical_encoding("utf-7"), "");
  EXPECT_EQ(canonical_encoding("iso-2022-kr"), "");
  EXPECT_EQ(canonical_encoding("utf 8"), "");
  EXPECT_EQ(canonical_encoding(std::string(1000, 'a')), "");
}

}  // namespace
}  // namespace crawler::parsers
