// Search vectors and queries made by the crawler for PostgreSQL's search column.
#include "storage/postgres/search_terms.hpp"

#include <gtest/gtest.h>

#include <string>

namespace crawler::storage::pg {
namespace {

TEST(SearchVector, WeighsTitleWordsAboveTextWordsAndCountsPositionsOn) {
  EXPECT_EQ(search_vector_literal("Opening Hours", "Our opening hours: 9-17."),
            "'17':7B '9':6B 'hours':2A,5B 'opening':1A,4B 'our':3B");
}

TEST(SearchVector, SplitsOnEveryCharacterThatIsNoLetterOrDigitAsSqliteDoes) {
  EXPECT_EQ(search_vector_literal("", "example.com/x_y e-mail"),
            "'com':2B 'e':5B 'example':1B 'mail':6B 'x':3B 'y':4B");
}

TEST(SearchVector, LowercasesLettersBeyondAscii) {
  EXPECT_EQ(search_vector_literal("", "ÉCOLE Straße ДОМ"), "'straße':2B 'école':1B 'дом':3B");
}

TEST(SearchVector, LeavesOutOverlongWordsAndStrayBytes) {
  std::string long_word(300, 'a');
  EXPECT_EQ(search_vector_literal("", long_word + " ok \xff" + "fine"), "'fine':2B 'ok':1B");
}

TEST(SearchVector, KeepsAtMost256PositionsOfAWordAndStopsCountingAt16383) {
  std::string text;
  for (int i = 0; i < 20'000; ++i) text += "w ";
  std::string vector = search_vector_literal("", text + "last");
  EXPECT_NE(vector.find("'last':16383B"), std::string::npos);
  std::size_t commas = 0;
  for (char c : vector) commas += c == ',';
  EXPECT_EQ(commas, 255u);  // 256 positions of 'w'
}

TEST(SearchVector, HasABinaryFormWithTheSameLexemesPositionsAndWeights) {
  using namespace std::string_literals;
  // 2 lexemes; 'b' at 2 (weight B = 2); 't' at 1 (A = 3) and 3 (B).
  EXPECT_EQ(search_vector_binary("T", "b t"),
            "\0\0\0\x02"
            "b\0\0\x01\x80\x02"
            "t\0\0\x02\xc0\x01\x80\x03"s);
  EXPECT_EQ(search_vector_binary("", ""), "\0\0\0\0"s);
}

TEST(SearchQuery, AllWordsMustMatch) {
  EXPECT_EQ(search_query_literal("Opening  hours"), "('opening') & ('hours')");
}

TEST(SearchQuery, QuotedWordsAndWordsTheTokenizerSplitsArePhrases) {
  EXPECT_EQ(search_query_literal("\"opening hours\" example.com"),
            "('opening' <-> 'hours') & ('example' <-> 'com')");
}

TEST(SearchQuery, OrJoinsItsNeighboursBeforeAndDoes) {
  EXPECT_EQ(search_query_literal("shop open or closed"), "('shop') & ( ('open') | ('closed') )");
  EXPECT_EQ(search_query_literal("a or b or c d"), "( ('a') | ('b') | ('c') ) & ('d')");
}

TEST(SearchQuery, ALeadingMinusExcludes) {
  EXPECT_EQ(search_query_literal("shop -closed"), "('shop') & !('closed')");
}

TEST(SearchQuery, TermsWithoutWordsDropOut) {
  EXPECT_EQ(search_query_literal("!!! or"), "");
  EXPECT_EQ(search_query_literal("x a ... or c"), "('x') & ( ('a') | ('c') )");
  EXPECT_EQ(search_query_literal("\"unclosed phrase"), "('unclosed' <-> 'phrase')");
  EXPECT_EQ(search_query_literal(std::string(300, 'a') + " ok"), "('ok')");  // as in vectors
}

}  // namespace
}  // namespace crawler::storage::pg
