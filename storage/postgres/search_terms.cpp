// Search vectors and queries made by the crawler: see search_terms.hpp.
#include "storage/postgres/search_terms.hpp"

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "parsers/ascii.hpp"
#include "parsers/utf8.hpp"

namespace crawler::storage::pg {

namespace {

constexpr std::size_t kTextBytes = 200'000;
constexpr std::size_t kWordBytes = 255;
constexpr int kLastPosition = 16'383;  // a tsvector's positions stop there
constexpr std::size_t kPositionsPerWord = 256;

// Unicode letters and their lowercase, whatever the process's own locale.
// Without C.UTF-8 (it ships with glibc since 2.35), every non-ASCII
// character counts as a letter and keeps its case.
locale_t unicode_ctype() {
  static const locale_t ctype = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
  return ctype;
}

char32_t decode(std::string_view s, std::size_t i, std::size_t length) {
  auto byte = [&](std::size_t k) {
    return static_cast<char32_t>(static_cast<unsigned char>(s[k]));
  };
  if (length == 1) return byte(i);
  char32_t c = byte(i) & (0x7f >> length);
  for (std::size_t k = 1; k < length; ++k) c = c << 6 | (byte(i + k) & 0x3f);
  return c;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xc0 | c >> 6);
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xe0 | c >> 12);
    out += static_cast<char>(0x80 | (c >> 6 & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | c >> 18);
    out += static_cast<char>(0x80 | (c >> 12 & 0x3f));
    out += static_cast<char>(0x80 | (c >> 6 & 0x3f));
    out += static_cast<char>(0x80 | (c & 0x3f));
  }
}

// Calls `word(lexeme)` for each word of `text`, in order; words longer
// than kWordBytes are left out, in vectors and queries alike.
template <typename Word>
void for_each_word(std::string_view text, Word word) {
  locale_t ctype = unicode_ctype();
  std::string current;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t length = parsers::utf8_length(text, i);
    // A stray byte separates words, as punctuation does.
    char32_t c = length == 0 ? U' ' : decode(text, i, length);
    bool letter = c < 0x80 ? parsers::is_ascii_alnum(static_cast<char>(c))
                           : !ctype || iswalnum_l(static_cast<wint_t>(c), ctype);
    if (letter) {
      if (c < 0x80) {
        current += parsers::ascii_lower(static_cast<char>(c));
      } else {
        append_utf8(current,
                    ctype ? static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), ctype)) : c);
      }
    } else if (!current.empty()) {
      if (current.size() <= kWordBytes) word(current);
      current.clear();
    }
    i += std::max<std::size_t>(length, 1);
  }
  if (!current.empty() && current.size() <= kWordBytes) word(current);
}

// A lexeme between single quotes, as tsvector and tsquery literals take it.
void append_lexeme(std::string& out, std::string_view lexeme) {
  out += '\'';
  for (char c : lexeme) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  out += '\'';
}

}  // namespace

namespace {

// A page's words, each with its positions in order: position 14 bits, the
// top bit set for a title word (weight A), as a tsvector keeps them.
class PageWords {
 public:
  static constexpr std::uint16_t kTitle = 0x8000;

  PageWords(std::string_view title, std::string_view text) {
    // Each occurrence, its word kept in one buffer: a page's few thousand
    // words cost two allocations, not one or two each.
    int position = 0;
    auto add = [&](std::uint16_t weight) {
      return [&, weight](const std::string& word) {
        position = std::min(position + 1, kLastPosition);
        occurrences_.push_back({static_cast<std::uint32_t>(words_.size()),
                                static_cast<std::uint32_t>(word.size()),
                                static_cast<std::uint16_t>(position | weight)});
        words_ += word;
      };
    };
    for_each_word(title.substr(0, kTextBytes), add(kTitle));
    for_each_word(text.substr(0, kTextBytes), add(0));
    // By word (as tsvector orders lexemes: bytewise), then position.
    std::stable_sort(occurrences_.begin(), occurrences_.end(),
                     [&](const Occurrence& a, const Occurrence& b) { return word(a) < word(b); });
  }

  /// Calls `each(word, positions)` for each distinct word, in order. At
  /// most 256 positions a word, each once (the last position repeats).
  template <typename Each>
  void for_each(Each each) const {
    std::vector<std::uint16_t> positions;
    for (std::size_t i = 0; i < occurrences_.size();) {
      std::string_view current = word(occurrences_[i]);
      positions.clear();
      for (; i < occurrences_.size() && word(occurrences_[i]) == current; ++i) {
        std::uint16_t at = occurrences_[i].position;
        bool repeated = !positions.empty() && ((positions.back() ^ at) & ~kTitle) == 0;
        if (positions.size() < kPositionsPerWord && !repeated) positions.push_back(at);
      }
      each(current, positions);
    }
  }

 private:
  struct Occurrence {
    std::uint32_t offset, length;
    std::uint16_t position;
  };
  std::string_view word(const Occurrence& o) const {
    return std::string_view(words_).substr(o.offset, o.length);
  }

  std::string words_;
  std::vector<Occurrence> occurrences_;
};

void append_big_endian(std::string& out, std::uint32_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
    out += static_cast<char>(value >> shift & 0xff);
}

}  // namespace

std::string search_vector_literal(std::string_view title, std::string_view text) {
  std::string out;
  PageWords(title, text).for_each([&](std::string_view word, const auto& positions) {
    if (!out.empty()) out += ' ';
    append_lexeme(out, word);
    char separator = ':';
    for (std::uint16_t at : positions) {
      out += separator;
      out += std::to_string(at & ~PageWords::kTitle);
      out += (at & PageWords::kTitle) ? 'A' : 'B';
      separator = ',';
    }
  });
  return out;
}

// tsvectorrecv's form: the lexeme count, then each lexeme NUL-terminated
// with its position count and positions (weight in the top two bits:
// A = 3, B = 2), all big-endian.
std::string search_vector_binary(std::string_view title, std::string_view text) {
  std::string out(4, '\0');
  std::uint32_t lexemes = 0;
  PageWords(title, text).for_each([&](std::string_view word, const auto& positions) {
    ++lexemes;
    out += word;
    out += '\0';
    append_big_endian(out, static_cast<std::uint32_t>(positions.size()), 2);
    for (std::uint16_t at : positions) {
      std::uint16_t weight = (at & PageWords::kTitle) ? 3 : 2;
      append_big_endian(out, static_cast<std::uint32_t>(weight << 14 | (at & ~PageWords::kTitle)),
                        2);
    }
  });
  std::string count;
  append_big_endian(count, lexemes, 4);
  out.replace(0, 4, count);
  return out;
}

std::string search_query_literal(std::string_view query) {
  // Terms as the user wrote them: a quoted phrase, or a run of non-space.
  struct Term {
    std::string_view text;
    bool negated = false;
    bool or_before = false;
  };
  std::vector<Term> terms;
  bool pending_or = false;
  for (std::size_t i = 0; i < query.size();) {
    char c = query[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    Term term;
    if (c == '-') {
      term.negated = true;
      ++i;
    }
    std::size_t end;
    if (i < query.size() && query[i] == '"') {
      end = query.find('"', i + 1);
      term.text = query.substr(i + 1, end == std::string_view::npos ? end : end - i - 1);
      end = end == std::string_view::npos ? query.size() : end + 1;
    } else {
      end = query.find_first_of(" \t\r\n", i);
      if (end == std::string_view::npos) end = query.size();
      term.text = query.substr(i, end - i);
      if (!term.negated && parsers::ascii_iequals(term.text, "or")) {
        pending_or = !terms.empty();
        i = end;
        continue;
      }
    }
    i = end;
    term.or_before = pending_or;
    pending_or = false;
    terms.push_back(term);
  }
  // Each term's words as a phrase; terms without a word drop out.
  std::vector<std::pair<std::string, bool>> phrases;  // and whether OR joins it to the one before
  for (const Term& term : terms) {
    std::string phrase;
    for_each_word(term.text, [&](const std::string& word) {
      if (!phrase.empty()) phrase += " <-> ";
      append_lexeme(phrase, word);
    });
    if (phrase.empty()) continue;
    phrase = (term.negated ? "!(" : "(") + phrase + ")";
    phrases.emplace_back(std::move(phrase), term.or_before && !phrases.empty());
  }
  // OR binds its neighbours before AND does: a run of ORs goes in parentheses.
  std::string out;
  bool open_or = false;
  for (std::size_t t = 0; t < phrases.size(); ++t) {
    const auto& [phrase, or_before] = phrases[t];
    bool or_after = t + 1 < phrases.size() && phrases[t + 1].second;
    if (t > 0) out += or_before ? " | " : " & ";
    if (!or_before && or_after) {
      out += "( ";
      open_or = true;
    }
    out += phrase;
    if (open_or && !or_after) {
      out += " )";
      open_or = false;
    }
  }
  return out;
}

}  // namespace crawler::storage::pg
