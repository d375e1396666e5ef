// Nesting guard: see nesting_guard.hpp. The estimate errs towards deeper
// (it does not model every implied end tag), so elements that browsers
// close implicitly are not counted at all.
#include "parsers/nesting_guard.hpp"

#include <array>
#include <cctype>
#include <string>

namespace crawler::parsers {

namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ':';
}

std::string lower_name(std::string_view html, std::size_t begin, std::size_t end) {
  std::string name(html.substr(begin, end - begin));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// Void elements never nest; the others here are closed implicitly by their
// siblings, so counting them would report depth that gumbo never builds.
bool never_nests(const std::string& name) {
  static constexpr std::array<std::string_view, 25> kNames = {
      "area", "base",   "br",       "col",   "embed", "hr",     "img",     "input", "link",
      "meta", "param",  "source",   "track", "wbr",   "keygen", "p",       "li",    "dt",
      "dd",   "option", "optgroup", "tr",    "td",    "th",     "!doctype"};
  for (auto known : kNames)
    if (name == known) return true;
  return false;
}

// Raw text elements: their content is not markup.
bool is_raw_text(const std::string& name) {
  return name == "script" || name == "style" || name == "textarea" || name == "title" ||
         name == "xmp" || name == "iframe" || name == "noembed" || name == "noframes";
}

}  // namespace

std::size_t nesting_safe_length(std::string_view html, std::size_t max_depth) {
  std::size_t depth = 0;
  std::size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    std::size_t tag_start = pos;
    if (html.substr(pos, 4) == "<!--") {
      std::size_t end = html.find("-->", pos + 4);
      if (end == std::string_view::npos) break;
      pos = end + 3;
      continue;
    }
    bool closing = pos + 1 < html.size() && html[pos + 1] == '/';
    std::size_t name_begin = pos + (closing ? 2 : 1);
    std::size_t name_end = name_begin;
    while (name_end < html.size() && (is_name_char(html[name_end]) || html[name_end] == '!'))
      ++name_end;
    pos = name_end;
    if (name_end == name_begin) continue;  // a stray '<'
    std::size_t tag_end = html.find('>', name_end);
    if (tag_end == std::string_view::npos) break;
    std::string name = lower_name(html, name_begin, name_end);
    pos = tag_end + 1;
    if (never_nests(name)) continue;
    if (closing) {
      if (depth > 0) --depth;
      continue;
    }
    if (html[tag_end - 1] == '/') continue;  // self-closing syntax
    if (is_raw_text(name)) {
      std::size_t close = html.find("</", pos);
      while (close != std::string_view::npos &&
             lower_name(html, close + 2, std::min(html.size(), close + 2 + name.size())) != name)
        close = html.find("</", close + 2);
      if (close == std::string_view::npos) break;
      pos = close;
      continue;
    }
    if (++depth > max_depth) return tag_start;
  }
  return html.size();
}

}  // namespace crawler::parsers
