// Markup guard: see markup_guard.hpp. The model errs towards deeper: it
// does not know every implied end tag, so elements that the tree builder
// closes by itself (<p>, <li>, <td>, ...) are not counted at all.
#include "parsers/markup_guard.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <vector>

#include "parsers/ascii.hpp"

namespace crawler::parsers {

namespace {

// Longer names are no element the tree builder knows: their first bytes
// are enough to tell them apart, and a 1 MB name costs no hashing.
constexpr std::size_t kMaxNameLength = 32;

template <std::size_t N>
bool one_of(std::string_view name, const std::array<std::string_view, N>& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Void elements never nest; the others here are closed by their siblings,
// so counting them would report depth that the tree builder never builds.
bool never_nests(std::string_view name) {
  static constexpr std::array<std::string_view, 24> kNames = {
      "area", "base", "br",    "col",    "embed",    "hr",  "img",    "input",
      "link", "meta", "param", "source", "track",    "wbr", "keygen", "p",
      "li",   "dt",   "dd",    "option", "optgroup", "tr",  "td",     "th"};
  return one_of(name, kNames);
}

// The adoption agency algorithm's elements.
bool is_formatting(std::string_view name) {
  static constexpr std::array<std::string_view, 14> kNames = {
      "a",    "b", "big",   "code",   "em",     "font", "i",
      "nobr", "s", "small", "strike", "strong", "tt",   "u"};
  return one_of(name, kNames);
}

// The "special" elements that nest: an end tag of an ordinary element that
// finds one of these in front of its match is ignored by the tree builder.
bool is_special(std::string_view name) {
  static constexpr std::array<std::string_view, 56> kNames = {
      "address",  "applet",     "article",  "aside",    "blockquote", "body",      "button",
      "caption",  "center",     "colgroup", "details",  "dir",        "div",       "dl",
      "fieldset", "figcaption", "figure",   "footer",   "form",       "frameset",  "h1",
      "h2",       "h3",         "h4",       "h5",       "h6",         "head",      "header",
      "hgroup",   "html",       "iframe",   "listing",  "main",       "marquee",   "menu",
      "nav",      "noembed",    "noframes", "noscript", "object",     "ol",        "pre",
      "search",   "section",    "select",   "summary",  "table",      "tbody",     "template",
      "tfoot",    "thead",      "ul",       "xmp",      "frame",      "plaintext", "textarea"};
  return one_of(name, kNames);
}

// Their content is text, not markup, up to their own end tag.
bool is_raw_text(std::string_view name) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"};
  return one_of(name, kNames);
}

// Inside these, "<x/>" closes x at once.
bool is_foreign_root(std::string_view name) {
  return name == "svg" || name == "math";
}

struct Tag {
  std::string name;  // lowercased, at most kMaxNameLength bytes
  bool closing = false;
  bool self_closing = false;
  std::size_t end = 0;  // one past its '>'; npos when the document ends inside it
  std::size_t attributes = 0;
  std::size_t excess_from = 0;  // where attributes past the cap begin (when there are any)
};

// Reads the tag whose name starts at `pos` the way the tokenizer does: a
// '>' inside a quoted value does not end it.
Tag read_tag(std::string_view html, std::size_t pos, bool closing, std::size_t max_attributes) {
  Tag tag;
  tag.closing = closing;
  std::size_t name_end = pos;
  while (name_end < html.size() && !is_html_space(html[name_end]) && html[name_end] != '/' &&
         html[name_end] != '>')
    ++name_end;
  for (std::size_t i = pos; i < std::min(name_end, pos + kMaxNameLength); ++i)
    tag.name.push_back(ascii_lower(html[i]));
  std::size_t at = name_end;
  tag.end = std::string_view::npos;
  while (at < html.size()) {
    char c = html[at];
    if (c == '>') {
      tag.end = at + 1;
      tag.self_closing = at > pos && html[at - 1] == '/';
      return tag;
    }
    if (is_html_space(c) || c == '/') {
      ++at;
      continue;
    }
    std::size_t attribute_start = at;
    ++at;  // a name's first character may be '='
    while (at < html.size() && !is_html_space(html[at]) && html[at] != '/' && html[at] != '>' &&
           html[at] != '=')
      ++at;
    std::size_t after_name = at;
    while (at < html.size() && is_html_space(html[at])) ++at;
    if (at < html.size() && html[at] == '=') {
      ++at;
      while (at < html.size() && is_html_space(html[at])) ++at;
      if (at < html.size() && (html[at] == '"' || html[at] == '\'')) {
        std::size_t close = html.find(html[at], at + 1);
        if (close == std::string_view::npos) return tag;
        at = close + 1;
      } else {
        while (at < html.size() && !is_html_space(html[at]) && html[at] != '>') ++at;
      }
    } else {
      at = after_name;
    }
    if (++tag.attributes == max_attributes + 1) tag.excess_from = attribute_start;
  }
  return tag;
}

// The stack of open elements as the tree builder would keep it, counted.
class OpenElements {
 public:
  std::size_t depth() const { return depth_; }
  std::size_t formatting() const { return formatting_; }
  bool in_foreign() const { return foreign_ > 0; }
  bool is_open(const std::string& name) const {
    auto it = by_name_.find(name);
    return it != by_name_.end() && !it->second.empty();
  }

  void open(const std::string& name) {
    Entry entry{name, is_special(name), is_formatting(name), is_foreign_root(name)};
    by_name_[name].push_back(stack_.size());
    if (entry.special) specials_.push_back(stack_.size());
    count(entry, +1);
    stack_.push_back(std::move(entry));
  }

  void close(const std::string& name) {
    auto found = by_name_.find(name);
    if (found == by_name_.end() || found->second.empty()) return;  // matches nothing: ignored
    std::size_t target = found->second.back();
    bool blocked = !specials_.empty() && specials_.back() > target;
    if (blocked && !stack_[target].formatting) return;  // a block stands in front: ignored
    if (blocked) {
      // The adoption agency takes the formatting element out; the block
      // in front of it stays open.
      found->second.pop_back();
      count(stack_[target], -1);
      stack_[target].closed = true;
      return;
    }
    while (stack_.size() > target) pop();
  }

 private:
  struct Entry {
    std::string name;
    bool special = false;
    bool formatting = false;
    bool foreign = false;
    bool closed = false;  // taken out of the middle by the adoption agency
  };

  void pop() {
    Entry& entry = stack_.back();
    if (!entry.closed) {
      by_name_[entry.name].pop_back();
      if (entry.special) specials_.pop_back();
      count(entry, -1);
    }
    stack_.pop_back();
  }

  void count(const Entry& entry, int delta) {
    depth_ += delta;
    formatting_ += entry.formatting ? delta : 0;
    foreign_ += entry.foreign ? delta : 0;
  }

  std::vector<Entry> stack_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_name_;
  std::vector<std::size_t> specials_;
  std::size_t depth_ = 0;
  std::size_t formatting_ = 0;
  std::size_t foreign_ = 0;
};

// Copies the input into `out.rewritten` lazily: only once something is dropped.
class Rewriter {
 public:
  Rewriter(std::string_view html, GuardedMarkup& out) : html_(html), out_(out) {}

  void drop(std::size_t begin, std::size_t end) {
    if (!out_.rewrote) {
      out_.rewrote = true;
      out_.rewritten.reserve(html_.size());
    }
    out_.rewritten.append(html_.substr(copied_, begin - copied_));
    copied_ = end;
  }

  void finish(std::size_t length) {
    if (out_.rewrote) {
      out_.rewritten.append(html_.substr(copied_, length - copied_));
      out_.length = out_.rewritten.size();
    } else {
      out_.length = length;
    }
  }

 private:
  std::string_view html_;
  GuardedMarkup& out_;
  std::size_t copied_ = 0;
};

// Where the raw text that starts at `pos` ends: at "</name", any case.
std::size_t raw_text_end(std::string_view html, std::size_t pos, std::string_view name) {
  for (std::size_t close = html.find("</", pos); close != std::string_view::npos;
       close = html.find("</", close + 2)) {
    if (ascii_iequals(html.substr(close + 2, name.size()), name)) return close;
  }
  return std::string_view::npos;
}

}  // namespace

GuardedMarkup guard_markup(std::string_view html, const MarkupLimits& limits) {
  GuardedMarkup out;
  Rewriter rewriter(html, out);
  OpenElements open;
  std::size_t length = html.size();
  std::size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    std::size_t tag_start = pos;
    std::string_view rest = html.substr(pos);
    if (rest.starts_with("<!--")) {
      std::size_t end = html.find("-->", pos + 4);
      if (end == std::string_view::npos) break;
      pos = end + 3;
      continue;
    }
    if (rest.starts_with("<!") || rest.starts_with("<?")) {  // doctype, bogus comment
      std::size_t end = html.find('>', pos);
      if (end == std::string_view::npos) break;
      pos = end + 1;
      continue;
    }
    bool closing = rest.starts_with("</");
    std::size_t name_at = pos + (closing ? 2 : 1);
    if (name_at >= html.size() || !is_ascii_alpha(html[name_at])) {
      pos = name_at;  // a stray '<' is text
      continue;
    }
    Tag tag = read_tag(html, name_at, closing, limits.max_attributes);
    if (tag.end == std::string_view::npos) break;  // the document ends inside a tag
    pos = tag.end;
    // Formatting elements past the cap carry nothing we keep (a new <a>
    // closes the open one, so links never count against it).
    if (!tag.closing && tag.name != "a" && is_formatting(tag.name) &&
        open.formatting() >= limits.max_open_formatting) {
      ++out.dropped_tags;
      rewriter.drop(tag_start, tag.end);
      continue;
    }
    if (tag.attributes > limits.max_attributes) {
      out.dropped_attributes += tag.attributes - limits.max_attributes;
      rewriter.drop(tag.excess_from, tag.end - 1);
    }
    if (never_nests(tag.name)) continue;
    if (tag.closing) {
      open.close(tag.name);
      continue;
    }
    if (tag.self_closing && open.in_foreign()) continue;
    if (tag.name == "plaintext") break;  // the rest is text
    if (is_raw_text(tag.name)) {
      std::size_t end = raw_text_end(html, pos, tag.name);
      if (end == std::string_view::npos) break;
      pos = end;
      continue;
    }
    if (tag.name == "a" && open.is_open(tag.name)) open.close(tag.name);
    open.open(tag.name);
    if (open.depth() > limits.max_depth) {
      length = tag_start;
      out.cut = true;
      break;
    }
  }
  rewriter.finish(length);
  return out;
}

}  // namespace crawler::parsers
