// Tests for parsers/ascii.hpp: case mapping, comparison, character classes,
// trimming and hex digits, checked over all 256 byte values so that every
// byte outside the ASCII letters (0x80-0xFF included) is seen to pass
// through unchanged. The locale tests run the helpers under a Turkish global
// locale when this machine has one (where std::tolower('I') need not be 'i'),
// else under any other named locale it has.
#include "parsers/ascii.hpp"

#include <gtest/gtest.h>

#include <clocale>
#include <locale>
#include <stdexcept>
#include <string>
#include <string_view>

namespace crawler::parsers {
namespace {

// Every byte value once, 0x00 to 0xFF, in order.
std::string all_bytes() {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
  return bytes;
}

bool is_upper_letter(unsigned char b) {
  return b >= 'A' && b <= 'Z';
}
bool is_lower_letter(unsigned char b) {
  return b >= 'a' && b <= 'z';
}

TEST(AsciiLower, LowersTheTwentySixUpperCaseLettersAndKeepsEveryOtherByte) {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const char expected =
        is_upper_letter(static_cast<unsigned char>(b)) ? static_cast<char>(b + 32) : c;
    EXPECT_EQ(ascii_lower(c), expected) << "byte " << b;
  }
}

TEST(AsciiUpper, RaisesTheTwentySixLowerCaseLettersAndKeepsEveryOtherByte) {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const char expected =
        is_lower_letter(static_cast<unsigned char>(b)) ? static_cast<char>(b - 32) : c;
    EXPECT_EQ(ascii_upper(c), expected) << "byte " << b;
  }
}

TEST(AsciiLowercase, LowersLettersOnlyAndKeepsBytesFrom0x80To0xFF) {
  EXPECT_EQ(ascii_lowercase("Content-Type: TEXT/HTML"), "content-type: text/html");
  EXPECT_EQ(ascii_lowercase(""), "");
  const std::string bytes = all_bytes();
  const std::string lowered = ascii_lowercase(bytes);
  ASSERT_EQ(lowered.size(), 256u);
  EXPECT_EQ(lowered.substr(0x80), bytes.substr(0x80));
  EXPECT_EQ(lowered.substr(0, 'A'), bytes.substr(0, 'A'));
  EXPECT_EQ(lowered.substr('A', 26), "abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(lowered.substr('Z' + 1, 0x80 - 'Z' - 1), bytes.substr('Z' + 1, 0x80 - 'Z' - 1));
}

TEST(AsciiLowercase, LeavesUtf8ForNonAsciiCapitalsAlone) {
  // "İSTANBUL ÇAĞ" in UTF-8: only the ASCII capitals change.
  EXPECT_EQ(ascii_lowercase("\xC4\xB0STANBUL \xC3\x87"
                            "A\xC4\x9E"),
            "\xC4\xB0stanbul \xC3\x87"
            "a\xC4\x9E");
}

TEST(AsciiIequals, IgnoresAsciiCaseOnly) {
  EXPECT_TRUE(ascii_iequals("User-Agent", "user-agent"));
  EXPECT_TRUE(ascii_iequals("", ""));
  EXPECT_FALSE(ascii_iequals("user-agent", "user-agents"));
  EXPECT_FALSE(ascii_iequals("[", "{"));  // 0x5B and 0x7B differ by 0x20 but are no letters
  // Latin-1 "Ä" and "ä" differ by case in ISO-8859-1 locales, not in ASCII.
  EXPECT_FALSE(ascii_iequals("\xC4", "\xE4"));
  EXPECT_TRUE(ascii_iequals("\xC4\xE4", "\xC4\xE4"));
}

TEST(AsciiIstartsWith, MatchesAPrefixIgnoringAsciiCase) {
  EXPECT_TRUE(ascii_istarts_with("PRAGMA user_version", "pragma"));
  EXPECT_TRUE(ascii_istarts_with("<META charset=utf-8>", "<meta"));
  EXPECT_TRUE(ascii_istarts_with("abc", ""));
  EXPECT_FALSE(ascii_istarts_with("prag", "pragma"));
  EXPECT_FALSE(ascii_istarts_with(" pragma", "pragma"));
}

TEST(AsciiIcontains, FindsAPartIgnoringAsciiCase) {
  EXPECT_TRUE(ascii_icontains("text/HTML; charset=x", "html"));
  EXPECT_TRUE(ascii_icontains("abc", ""));
  EXPECT_FALSE(ascii_icontains("text/plain", "html"));
}

TEST(AsciiClasses, LettersAndDigitsAreAsciiOnly) {
  for (int b = 0; b < 256; ++b) {
    const auto u = static_cast<unsigned char>(b);
    const char c = static_cast<char>(b);
    const bool letter = is_upper_letter(u) || is_lower_letter(u);
    const bool digit = u >= '0' && u <= '9';
    EXPECT_EQ(is_ascii_alpha(c), letter) << "byte " << b;
    EXPECT_EQ(is_ascii_digit(c), digit) << "byte " << b;
    EXPECT_EQ(is_ascii_alnum(c), letter || digit) << "byte " << b;
  }
}

// The bytes each space class holds, out of all 256.
std::string members(bool (*is_space)(char)) {
  std::string out;
  for (char c : all_bytes())
    if (is_space(c)) out.push_back(c);
  return out;
}

TEST(AsciiClasses, EachSpaceSetHoldsExactlyItsBytes) {
  EXPECT_EQ(members(is_ascii_space), "\t\n\v\f\r ");
  EXPECT_EQ(members(is_html_space), "\t\n\f\r ");
  EXPECT_EQ(members(is_xml_space), "\t\n\r ");
  EXPECT_EQ(members(is_space_or_tab), "\t ");
}

TEST(TrimAsciiSpace, RemovesAsciiSpaceAtBothEndsOnly) {
  EXPECT_EQ(trim_ascii_space(" \t\r\n\v\fa b\f\v\n\r\t "), "a b");
  EXPECT_EQ(trim_ascii_space("a"), "a");
  EXPECT_EQ(trim_ascii_space(""), "");
  EXPECT_EQ(trim_ascii_space(" \t \r\n"), "");
}

TEST(TrimAsciiSpace, KeepsNonAsciiBytesSuchAsNoBreakSpaceAndNextLine) {
  // 0xA0 (NBSP) and 0x85 (NEL) are spaces to std::isspace in some locales.
  EXPECT_EQ(trim_ascii_space("\xA0x\x85"), "\xA0x\x85");
  EXPECT_EQ(trim_ascii_space(" \xC2\xA0x\xC2\xA0 "), "\xC2\xA0x\xC2\xA0");
  const std::string high = all_bytes().substr(0x80);
  EXPECT_EQ(trim_ascii_space(high), high);
}

TEST(TrimAsciiSpace, TrimsOnlyTheSetAProtocolNames) {
  EXPECT_EQ(trim_ascii_space("\r\n value \t\r\n", is_space_or_tab), "\r\n value \t\r\n");
  EXPECT_EQ(trim_ascii_space(" \t value \t ", is_space_or_tab), "value");
  EXPECT_EQ(trim_ascii_space("\vutf-8\f", is_html_space), "\vutf-8");
  EXPECT_EQ(trim_ascii_space("\f<loc/>\n", is_xml_space), "\f<loc/>");
}

TEST(HexValue, GivesTheValueOfEachHexDigitAndMinusOneForEveryOtherByte) {
  static_assert(hex_value('0') == 0 && hex_value('9') == 9 && hex_value('a') == 10 &&
                hex_value('F') == 15 && hex_value('g') == -1);
  const std::string_view digits = "0123456789abcdef";
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const auto at = digits.find(ascii_lower(c));
    const int expected = at == std::string_view::npos ? -1 : static_cast<int>(at);
    EXPECT_EQ(hex_value(c), expected) << "byte " << b;
  }
}

// Installs the first named locale this machine has, a Turkish one first,
// as the global C++ and C locale; restores "C" afterwards. A machine with
// none fails the test rather than passing it unchecked: Debian's libc-bin
// always ships C.utf8.
class AsciiUnderLocale : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"tr_TR.ISO-8859-9", "tr_TR.UTF-8", "tr_TR.utf8", "tr_TR", "C.UTF-8",
                             "C.utf8", "en_US.UTF-8"}) {
      try {
        std::locale::global(std::locale(name));
        locale_ = name;
        return;
      } catch (const std::runtime_error&) {
      }
    }
    FAIL() << "no named locale loads on this machine (Debian's libc-bin ships C.utf8)";
  }
  void TearDown() override {
    std::locale::global(std::locale::classic());
    std::setlocale(LC_ALL, "C");
  }
  std::string locale_;
};

TEST_F(AsciiUnderLocale, CaseMappingStaysAsciiAndKeepsHighBytes) {
  SCOPED_TRACE("global locale " + locale_);
  EXPECT_EQ(ascii_lower('I'), 'i');  // not dotless i (0xFD in ISO-8859-9)
  EXPECT_EQ(ascii_upper('i'), 'I');  // not dotted capital I (0xDD in ISO-8859-9)
  EXPECT_EQ(ascii_lowercase("TITLE INDEX"), "title index");
  EXPECT_TRUE(ascii_iequals("DISALLOW", "disallow"));
  EXPECT_FALSE(ascii_iequals("\xDD", "i"));
  EXPECT_FALSE(ascii_iequals("\xFD", "I"));
  const std::string high = all_bytes().substr(0x80);
  EXPECT_EQ(ascii_lowercase(high), high);
  for (char c : high) {
    EXPECT_EQ(ascii_upper(c), c);
    EXPECT_FALSE(is_ascii_space(c));
    EXPECT_FALSE(is_ascii_alnum(c));
  }
}

}  // namespace
}  // namespace crawler::parsers
