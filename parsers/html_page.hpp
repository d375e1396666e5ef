// HTML page extraction with gumbo: the title, the visible text, the links of
// a[href] and area[href] (resolved against <base href>, itself resolved
// against the page URL, and normalized), <link rel=canonical>, and the
// robots directives of <meta name=robots> (or a meta named for our agent).
// Pure function of its input: safe to run on any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace crawler::parsers {

struct HtmlLink {
  std::string url;        // normalized http(s) URL
  bool nofollow = false;  // rel="nofollow" (or ugc/sponsored) on every occurrence
};

struct RobotsDirectives {
  bool noindex = false;   // do not keep the content
  bool nofollow = false;  // do not follow the links
};

struct HtmlPage {
  std::string title;            // whitespace collapsed
  std::string text;             // visible text, whitespace collapsed; no script/style
  std::vector<HtmlLink> links;  // first-seen order, no duplicates
  std::string canonical;        // normalized <link rel=canonical href>, or empty
  RobotsDirectives robots;      // from <meta name=robots> and <meta name=AGENT>
};

/// Parses UTF-8 `html` fetched from `page_url` (the URL after redirects).
/// `agent` is our robots product token; a meta element named for it counts
/// like <meta name=robots>.
HtmlPage parse_html_page(std::string_view html, std::string_view page_url,
                         std::string_view agent = {});

/// Directives from a robots meta content or X-Robots-Tag value:
/// "noindex", "nofollow", "none" (both), comma separated, case-insensitive.
RobotsDirectives parse_robots_directives(std::string_view content);

/// True for content types this crawler parses as HTML.
bool is_html_content_type(std::string_view content_type);

}  // namespace crawler::parsers
