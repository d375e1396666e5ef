// HTML page extraction: see html_page.hpp.
#include "parsers/html_page.hpp"

#include <gumbo.h>

#include <algorithm>
#include <csetjmp>
#include <memory>
#include <optional>
#include <unordered_map>

#include "parsers/ascii.hpp"
#include "parsers/charset.hpp"
#include "parsers/crawl_url.hpp"
#include "parsers/markup_guard.hpp"
#include "parsers/parse_arena.hpp"
#include "parsers/url.hpp"

namespace crawler::parsers {

namespace {

// Appends `text` to `out` with runs of whitespace collapsed to one space.
void append_collapsed(std::string& out, std::string_view text) {
  for (char c : text) {
    if (is_ascii_space(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
}

const char* attribute(const GumboElement& element, const char* name) {
  const GumboAttribute* attr = gumbo_get_attribute(&element.attributes, name);
  return attr ? attr->value : nullptr;
}

// True when the space-separated token list `list` holds `token`.
bool has_token(std::string_view list, std::string_view token) {
  std::size_t pos = 0;
  while (pos < list.size()) {
    while (pos < list.size() && is_ascii_space(list[pos])) ++pos;
    std::size_t end = pos;
    while (end < list.size() && !is_ascii_space(list[end])) ++end;
    if (end > pos && ascii_iequals(list.substr(pos, end - pos), token)) return true;
    pos = end;
  }
  return false;
}

struct Href {
  std::string_view href;
  bool nofollow;
};

struct Walker {
  std::string_view agent;
  std::optional<std::string> base_href;
  std::vector<Href> hrefs;
  std::string_view canonical;
  RobotsDirectives robots;
  std::string title;
  std::string text;
  bool have_title = false;

  // Iterative: hostile pages nest deeply enough to overflow a recursive walk.
  void walk(const GumboNode* root) {
    std::vector<const GumboNode*> stack{root};
    while (!stack.empty()) {
      const GumboNode* node = stack.back();
      stack.pop_back();
      if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
          node->type == GUMBO_NODE_CDATA) {
        append_collapsed(text, node->v.text.text);
        if (node->type != GUMBO_NODE_WHITESPACE && !text.empty() && text.back() != ' ')
          text.push_back(' ');
        continue;
      }
      if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE &&
          node->type != GUMBO_NODE_DOCUMENT)
        continue;
      const GumboVector* children = nullptr;
      if (node->type == GUMBO_NODE_DOCUMENT) {
        children = &node->v.document.children;
      } else {
        const GumboElement& element = node->v.element;
        if (!visit(element)) continue;
        children = &element.children;
      }
      for (unsigned i = children->length; i-- > 0;)
        stack.push_back(static_cast<const GumboNode*>(children->data[i]));
    }
  }

  // Records what the element holds; false when its children are not text.
  bool visit(const GumboElement& element) {
    switch (element.tag) {
      case GUMBO_TAG_A:
      case GUMBO_TAG_AREA:
        if (const char* href = attribute(element, "href")) {
          std::string_view rel = attribute(element, "rel") ? attribute(element, "rel") : "";
          hrefs.push_back({href, has_token(rel, "nofollow") || has_token(rel, "ugc") ||
                                     has_token(rel, "sponsored")});
        }
        return true;
      case GUMBO_TAG_LINK:
        if (const char* rel = attribute(element, "rel"); rel && has_token(rel, "canonical")) {
          if (const char* href = attribute(element, "href"); href && canonical.empty())
            canonical = href;
        }
        return false;
      case GUMBO_TAG_META:
        if (const char* name = attribute(element, "name")) {
          const char* content = attribute(element, "content");
          if (content &&
              (ascii_iequals(name, "robots") || (!agent.empty() && ascii_iequals(name, agent)))) {
            RobotsDirectives found = parse_robots_directives(content);
            robots.noindex = robots.noindex || found.noindex;
            robots.nofollow = robots.nofollow || found.nofollow;
          }
        }
        return false;
      case GUMBO_TAG_BASE:
        if (const char* href = attribute(element, "href"); href && !base_href) base_href = href;
        return false;
      case GUMBO_TAG_TITLE:
        if (!have_title) {
          have_title = true;
          for (unsigned i = 0; i < element.children.length; ++i) {
            auto* child = static_cast<const GumboNode*>(element.children.data[i]);
            if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE)
              append_collapsed(title, child->v.text.text);
          }
        }
        return false;
      case GUMBO_TAG_SCRIPT:
      case GUMBO_TAG_STYLE:
      case GUMBO_TAG_NOSCRIPT:
      case GUMBO_TAG_TEMPLATE:
        return false;
      default:
        return true;
    }
  }
};

// Runs gumbo until the arena's deadline: null when it passed (or the
// parse was cancelled). No C++ object lives in this frame, so the arena's
// longjmp back into it skips no destructor; gumbo's own state is all in
// the arena, which the next parse resets.
GumboOutput* parse_within(std::string_view html, ParseArena& arena, std::int64_t deadline_ns,
                          const std::atomic<bool>* cancel) {
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &ParseArena::gumbo_allocate;
  options.deallocator = &ParseArena::gumbo_deallocate;
  options.userdata = &arena;
  // Parse errors are not read, and each one copies the stack of open
  // elements: 3,000 unclosed <div>s made 78 MB of error records.
  options.max_errors = 0;
  std::jmp_buf escape;
  if (setjmp(escape) != 0) return nullptr;
  arena.arm(&escape, deadline_ns, cancel);
  GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  arena.disarm();
  return output;
}

HtmlPage extract(const GumboOutput& output, std::string_view page_url, std::string_view agent,
                 const HtmlLimits& limits);

HtmlPage page_with(HtmlOutcome outcome) {
  HtmlPage page;
  page.outcome = outcome;
  return page;
}

// What a page past its budget still yields: the start of the document,
// parsed under a fifth of the budget, so the whole stays within 1.2 times it.
constexpr std::size_t kFallbackBytes = 64 * 1024;

}  // namespace

HtmlPage parse_html_page(std::string_view html, std::string_view page_url, std::string_view agent,
                         const HtmlLimits& limits) {
  std::int64_t budget_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(limits.cpu_budget).count();
  std::int64_t deadline_ns = thread_cpu_ns() + budget_ns;
  html = html.substr(0, std::min(limits.max_html_bytes, html.size()));
  GuardedMarkup guarded = guard_markup(html, limits.markup);
  html = guarded.view(html);
  // One arena per pool thread, reused from page to page; the tree lives in
  // it, so there is no gumbo_destroy_output.
  thread_local ParseArena arena;
  arena.reset();
  if (GumboOutput* output = parse_within(html, arena, deadline_ns, limits.cancel))
    return extract(*output, page_url, agent, limits);
  if (limits.cancel && limits.cancel->load()) return page_with(HtmlOutcome::kCancelled);

  arena.reset();
  std::size_t prefix = html.size() > kFallbackBytes ? html.rfind('<', kFallbackBytes) : html.size();
  if (prefix == std::string_view::npos) prefix = kFallbackBytes;
  GumboOutput* output =
      parse_within(html.substr(0, prefix), arena, thread_cpu_ns() + budget_ns / 5, limits.cancel);
  HtmlPage page = output ? extract(*output, page_url, agent, limits) : HtmlPage{};
  page.outcome = HtmlOutcome::kOverBudget;
  return page;
}

HtmlPage parse_html_body(std::string_view body, std::string_view content_type,
                         std::string_view page_url, std::string_view agent,
                         const HtmlLimits& limits) {
  // Only what gumbo will read is decoded: a 10 MiB page is not copied whole.
  body = body.substr(0, std::min(limits.max_html_bytes, body.size()));
  // Judged on the bytes received: a decoder can turn anything into text.
  // UTF-16 is full of NULs, so it is judged once decoded.
  bool utf16 = body.starts_with("\xff\xfe") || body.starts_with("\xfe\xff") ||
               ascii_icontains(content_type, "utf-16");
  if (!utf16 && looks_binary(body)) return page_with(HtmlOutcome::kBinary);
  DecodedHtml decoded = decode_html(body, content_type);
  if (looks_binary(decoded.utf8)) return page_with(HtmlOutcome::kBinary);
  return parse_html_page(decoded.utf8, page_url, agent, limits);
}

namespace {

HtmlPage extract(const GumboOutput& output, std::string_view page_url, std::string_view agent,
                 const HtmlLimits& limits) {
  HtmlPage page;
  Walker walker;
  walker.agent = agent;
  walker.walk(output.document);

  std::string base(page_url);
  if (walker.base_href) {
    if (auto resolved = resolve_url(page_url, *walker.base_href)) base = *resolved;
  }
  // A URL linked several times is nofollow only if every link to it is.
  std::unordered_map<std::string, std::size_t> index;
  for (const Href& href : walker.hrefs) {
    if (page.links.size() >= limits.max_links) {
      // Counted, not resolved: a million links cost a count, not a million URLs.
      ++page.links_dropped;
      continue;
    }
    // A relative href only grows when resolved: a long one is not worth resolving.
    bool too_long = href.href.size() > limits.max_url_length;
    auto url = too_long ? std::nullopt : CrawlUrl::resolve(base, href.href);
    if (too_long || (url && url->text().size() > limits.max_url_length)) {
      ++page.links_too_long;
      continue;
    }
    if (!url) continue;
    auto [it, added] = index.try_emplace(url->text(), page.links.size());
    if (added) {
      page.links.push_back({std::move(*url), href.nofollow});
    } else {
      page.links[it->second].nofollow = page.links[it->second].nofollow && href.nofollow;
    }
  }
  if (!walker.canonical.empty()) {
    if (auto canonical = resolve_url(base, walker.canonical)) page.canonical = *canonical;
  }
  page.robots = walker.robots;
  walker.title = std::string(trim_ascii_space(walker.title));
  if (walker.text.size() > limits.max_text_bytes) {
    // Cut on a UTF-8 boundary: the text goes to SQLite and the index as UTF-8.
    std::size_t cut = limits.max_text_bytes;
    while (cut > 0 && (static_cast<unsigned char>(walker.text[cut]) & 0xc0) == 0x80) --cut;
    walker.text.resize(cut);
  }
  walker.text = std::string(trim_ascii_space(walker.text));
  page.title = std::move(walker.title);
  page.text = std::move(walker.text);
  return page;
}

}  // namespace

bool looks_binary(std::string_view body) {
  std::string_view head = body.substr(0, 1024);
  std::size_t control = 0;
  for (unsigned char c : head) {
    if (c == 0) return true;
    control += c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b;
  }
  return control * 10 > head.size();  // text has almost none; ESC is ISO-2022's
}

RobotsDirectives parse_robots_directives(std::string_view content) {
  RobotsDirectives directives;
  std::size_t pos = 0;
  while (pos <= content.size()) {
    std::size_t end = std::min(content.find(',', pos), content.size());
    std::string_view token = content.substr(pos, end - pos);
    token = trim_ascii_space(token);
    if (ascii_iequals(token, "noindex") || ascii_iequals(token, "none")) directives.noindex = true;
    if (ascii_iequals(token, "nofollow") || ascii_iequals(token, "none"))
      directives.nofollow = true;
    pos = end + 1;
  }
  return directives;
}

bool is_html_content_type(std::string_view content_type) {
  std::string lower;
  for (char c : content_type.substr(0, content_type.find(';')))
    if (!is_ascii_space(c)) lower.push_back(ascii_lower(c));
  return lower == "text/html" || lower == "application/xhtml+xml";
}

}  // namespace crawler::parsers
