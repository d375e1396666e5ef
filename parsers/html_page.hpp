// HTML page extraction with gumbo: the title, the visible text, and the
// links of a[href] and area[href], resolved against <base href> (itself
// resolved against the page URL) and normalized. Pure function of its input:
// safe to run on any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace crawler::parsers {

struct HtmlPage {
  std::string title;               // whitespace collapsed
  std::string text;                // visible text, whitespace collapsed; no script/style
  std::vector<std::string> links;  // normalized http(s) URLs, first-seen order, no duplicates
};

/// Parses `html` fetched from `page_url` (the URL after redirects).
HtmlPage parse_html_page(std::string_view html, std::string_view page_url);

/// True for content types this crawler parses as HTML.
bool is_html_content_type(std::string_view content_type);

}  // namespace crawler::parsers
