// HTML page extraction with gumbo: the title, the visible text, the links of
// a[href] and area[href] (resolved against <base href>, itself resolved
// against the page URL, and normalized), <link rel=canonical>, and the
// robots directives of <meta name=robots> (or a meta named for our agent).
// Pure function of its input: safe to run on any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/crawl_url.hpp"
#include "parsers/markup_guard.hpp"

namespace crawler::parsers {

struct HtmlLink {
  CrawlUrl url;           // normalized http(s) URL, its origin and host found here
  bool nofollow = false;  // rel="nofollow" (or ugc/sponsored) on every occurrence
};

struct RobotsDirectives {
  bool noindex = false;   // do not keep the content
  bool nofollow = false;  // do not follow the links
};

/// Bounds on what one page may cost, whatever it holds (a hostile page of
/// a million links or megabytes of text must not reach the loop or the writer).
struct HtmlLimits {
  std::size_t max_html_bytes = 2 * 1024 * 1024;  // handed to gumbo; the rest is not read
  std::size_t max_links = 5'000;                 // distinct links kept, in document order
  std::size_t max_url_length = 2048;             // longer links are dropped
  std::size_t max_text_bytes = 512 * 1024;       // visible text kept
  /// CPU time one parse may take: past it, gumbo is stopped (see ParseArena).
  std::chrono::milliseconds cpu_budget{1000};
  MarkupLimits markup;  // the shapes gumbo is slow on, capped before it sees them
  /// When set, every parse running stops at once (the process is ending).
  const std::atomic<bool>* cancel = nullptr;
};

enum class HtmlOutcome {
  kParsed,      // whole, within HtmlLimits
  kBinary,      // not text: not parsed
  kOverBudget,  // past HtmlLimits::cpu_budget: only what the first 64 KiB held
  kCancelled,   // stopped by HtmlLimits::cancel: nothing
};

struct HtmlPage {
  std::string title;               // whitespace collapsed
  std::string text;                // visible text, whitespace collapsed; no script/style
  std::vector<HtmlLink> links;     // first-seen order, no duplicates
  std::size_t links_dropped = 0;   // links past HtmlLimits::max_links
  std::size_t links_too_long = 0;  // past HtmlLimits::max_url_length: dropped
  std::string canonical;           // normalized <link rel=canonical href>, or empty
  RobotsDirectives robots;         // from <meta name=robots> and <meta name=AGENT>
  HtmlOutcome outcome = HtmlOutcome::kParsed;
};

/// Parses UTF-8 `html` fetched from `page_url` (the URL after redirects).
/// `agent` is our robots product token; a meta element named for it counts
/// like <meta name=robots>.
HtmlPage parse_html_page(std::string_view html, std::string_view page_url,
                         std::string_view agent = {}, const HtmlLimits& limits = {});

/// A fetched body as the crawler reads it: judged binary on the bytes
/// received, decoded to UTF-8 (charset.hpp), then parsed as above.
HtmlPage parse_html_body(std::string_view body, std::string_view content_type,
                         std::string_view page_url, std::string_view agent = {},
                         const HtmlLimits& limits = {});

/// True when `body` looks binary (NUL or many control bytes in its first
/// KiB): a file served as HTML that is not text is not parsed.
bool looks_binary(std::string_view body);

/// Directives from a robots meta content or X-Robots-Tag value:
/// "noindex", "nofollow", "none" (both), comma separated, case-insensitive.
RobotsDirectives parse_robots_directives(std::string_view content);

/// True for content types this crawler parses as HTML.
bool is_html_content_type(std::string_view content_type);

}  // namespace crawler::parsers
