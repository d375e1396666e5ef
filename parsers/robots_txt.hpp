// robots.txt (RFC 9309): parsing a file into groups of allow/disallow rules,
// and deciding whether a crawler may fetch a path. Pure code over bytes: any
// input parses (garbage is ignored line by line), only the first
// kMaxRobotsBytes count, and matching a path compares at most
// kMaxMatchWork bytes, whatever the patterns hold.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crawler::parsers {

/// Parsing limit; RFC 9309 section 2.5 requires at least 500 KiB.
inline constexpr std::size_t kMaxRobotsBytes = 512 * 1024;
/// Bytes one check may compare (under a millisecond): an ordinary file
/// takes a few thousand; one built to be slow is refused past this.
inline constexpr std::size_t kMaxMatchWork = 1'000'000;

/// One allow or disallow line of a group.
struct RobotsRule {
  bool allow = false;
  std::string pattern;  // percent-encoding normalized, as matched; never empty
  int line = 0;         // 1-based line number in the file; 0 for synthesized rules
};

/// Outcome of RobotsTxt::check.
struct RobotsDecision {
  bool allowed = true;
  std::optional<RobotsRule> rule;  // the rule that decided; empty when none matched
  bool too_costly = false;         // refused: matching passed kMaxMatchWork
};

/// A parsed robots.txt file. Cheap to query from several threads at once
/// (const member functions only read).
class RobotsTxt {
 public:
  /// No rules: everything is allowed (same as allow_all()).
  RobotsTxt() = default;

  /// Parses robots.txt content (any bytes). The first kMaxRobotsBytes are
  /// parsed; a line cut by that limit and everything after it are ignored.
  static RobotsTxt parse(std::string_view content);
  /// Everything allowed, e.g. when robots.txt answers 4xx.
  static RobotsTxt allow_all();
  /// Everything but /robots.txt disallowed, e.g. on 5xx or a network error.
  static RobotsTxt disallow_all();

  /// Decision for `path_and_query` (the URL's path plus "?query", e.g.
  /// "/a/b?x=1"; "" means "/") for the crawler whose product token is
  /// `agent` (e.g. "crawler"; a full User-Agent string is reduced to its
  /// product token first).
  RobotsDecision check(std::string_view agent, std::string_view path_and_query) const;

  /// Crawl-delay in seconds from the groups that apply to `agent` (the first
  /// valid one in file order); empty when none gives one.
  std::optional<double> crawl_delay(std::string_view agent) const;

  /// Every Sitemap: value, in file order, wherever it appears.
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }

 private:
  struct Group {
    std::vector<std::string> agents;  // lower-case product tokens
    bool global = false;              // a "User-agent: *" line is in the group
    std::vector<RobotsRule> rules;
    std::optional<double> crawl_delay;
  };

  std::vector<const Group*> groups_for(std::string_view agent) const;

  std::vector<Group> groups_;
  std::vector<std::string> sitemaps_;
};

/// Product token from a User-Agent string: "crawler/0.1 (+https://x)" ->
/// "crawler" (the leading run of [A-Za-z_-]; empty if there is none).
std::string robots_product_token(std::string_view user_agent);

}  // namespace crawler::parsers
