// robots.txt parsing and matching (RFC 9309). Lines are split on CR, LF or
// CRLF and parsed one at a time; nothing a line holds can fail the parse.
// Patterns and paths are brought to one percent-encoding form before they
// are compared, and the matcher places each '*'-separated literal at its
// leftmost occurrence, so no pattern can make it backtrack exponentially.
#include "parsers/robots_txt.hpp"

#include <cstring>

#include <charconv>
#include <cmath>
#include <system_error>
#include <utility>

#include "parsers/ascii.hpp"

namespace crawler::parsers {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr char kHexDigits[] = "0123456789ABCDEF";

enum class Key { kUserAgent, kAllow, kDisallow, kCrawlDelay, kSitemap, kOther };

Key classify_key(std::string_view key) {
  if (ascii_iequals(key, "user-agent") || ascii_iequals(key, "useragent") ||
      ascii_iequals(key, "user agent")) {
    return Key::kUserAgent;
  }
  if (ascii_iequals(key, "allow")) return Key::kAllow;
  if (ascii_iequals(key, "disallow")) return Key::kDisallow;
  if (ascii_iequals(key, "crawl-delay")) return Key::kCrawlDelay;
  if (ascii_iequals(key, "sitemap")) return Key::kSitemap;
  return Key::kOther;
}

// "User-agent: *" (optionally followed by blanks and more text, as Google's
// parser accepts) names every crawler. A line holds no CR or LF, so the
// blanks of is_ascii_space are space, tab, VT and FF.
bool is_global_agent(std::string_view value) {
  return !value.empty() && value[0] == '*' && (value.size() == 1 || is_ascii_space(value[1]));
}

bool is_unreserved(unsigned char c) {
  return is_ascii_alnum(static_cast<char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
}

void append_encoded(std::string& out, unsigned char c) {
  out += '%';
  out += kHexDigits[c >> 4];
  out += kHexDigits[c & 0xF];
}

enum class Side { kPattern, kPath };

// One form for both sides of a comparison (RFC 9309 section 2.2.2): %XX of
// an unreserved character is decoded, other %xx get upper-case hex, octets
// outside printable ASCII are encoded. In a path, '*' and '$' are literal
// and become %2A and %24, which is how a pattern spells them literally
// (section 2.2.3); in a pattern '*' stays a wildcard and a final '$' an
// anchor. A '%' without two hex digits after it is left alone.
std::string normalize_octets(std::string_view s, Side side) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      const auto decoded =
          static_cast<unsigned char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      if (is_unreserved(decoded)) {
        out += static_cast<char>(decoded);
      } else {
        append_encoded(out, decoded);
      }
      i += 2;
    } else if (c <= 0x20 || c >= 0x7F) {
      append_encoded(out, c);
    } else if (c == '*' && side == Side::kPath) {
      append_encoded(out, c);
    } else if (c == '$' && (side == Side::kPath || i + 1 != s.size())) {
      append_encoded(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Where `literal` first occurs in `path` at or after `from`, charging each
// byte compared to `work`; npos when absent or when `work` runs out. A
// plain find compares up to |path| x |literal| bytes, and a file of 25,000
// near-miss patterns ("/*aaa...ab1", "/*aaa...ab2", ...) made one check of
// a 2,000-byte path take 430 ms, on the loop thread.
std::size_t find_within(std::string_view path, std::string_view literal, std::size_t from,
                        std::size_t& work) {
  if (literal.size() > path.size()) return std::string_view::npos;
  const std::size_t last = path.size() - literal.size();
  for (std::size_t at = from; at <= last; ++at) {
    const void* first = std::memchr(path.data() + at, literal[0], last - at + 1);
    if (first == nullptr) return std::string_view::npos;
    at = static_cast<std::size_t>(static_cast<const char*>(first) - path.data());
    if (work < literal.size()) {
      work = 0;
      return std::string_view::npos;
    }
    work -= literal.size();
    if (path.compare(at, literal.size(), literal) == 0) return at;
  }
  return std::string_view::npos;
}

// True when `pattern` matches a prefix of `path` ('*' = any run of octets,
// a final '$' = end of path). Each literal between stars goes to its
// leftmost place after the previous one: leftmost placement leaves the most
// room for the rest, so it finds a match whenever one exists. Searching
// costs `work` (see find_within); when it runs out, the answer is false.
bool pattern_matches(std::string_view pattern, std::string_view path, std::size_t& work) {
  const bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);

  std::size_t star = pattern.find('*');
  if (star == std::string_view::npos) return anchored ? path == pattern : path.starts_with(pattern);
  if (!path.starts_with(pattern.substr(0, star))) return false;
  std::size_t pos = star;
  pattern.remove_prefix(star + 1);

  while ((star = pattern.find('*')) != std::string_view::npos) {
    const std::string_view literal = pattern.substr(0, star);
    if (!literal.empty()) {
      const std::size_t at = find_within(path, literal, pos, work);
      if (at == std::string_view::npos) return false;
      pos = at + literal.size();
    }
    pattern.remove_prefix(star + 1);
  }
  // `pattern` is now the literal after the last star.
  if (anchored) return path.size() - pos >= pattern.size() && path.ends_with(pattern);
  return pattern.empty() || find_within(path, pattern, pos, work) != std::string_view::npos;
}

// Crawl-delay: a non-negative decimal ("10", "0.5", "2."); anything else
// (signs, exponents, units, inf, nan) is invalid.
std::optional<double> parse_delay(std::string_view value) {
  std::size_t i = 0;
  std::size_t digits = 0;
  while (i < value.size() && value[i] >= '0' && value[i] <= '9') ++i, ++digits;
  if (i < value.size() && value[i] == '.') {
    ++i;
    while (i < value.size() && value[i] >= '0' && value[i] <= '9') ++i, ++digits;
  }
  if (digits == 0 || i != value.size()) return std::nullopt;
  double seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || end != value.data() + value.size() || !std::isfinite(seconds)) {
    return std::nullopt;
  }
  return seconds;
}

// Drops a line cut by the size limit along with everything after it.
std::string_view capped(std::string_view content) {
  if (content.size() <= kMaxRobotsBytes) return content;
  const char next = content[kMaxRobotsBytes];
  content = content.substr(0, kMaxRobotsBytes);
  if (next == '\n' || next == '\r') return content;
  const std::size_t last_end = content.find_last_of("\r\n");
  return last_end == std::string_view::npos ? std::string_view{} : content.substr(0, last_end + 1);
}

}  // namespace

std::string robots_product_token(std::string_view user_agent) {
  std::size_t n = 0;
  while (n < user_agent.size()) {
    const char c = user_agent[n];
    if (!(is_ascii_alpha(c) || c == '_' || c == '-')) break;
    ++n;
  }
  return std::string(user_agent.substr(0, n));
}

RobotsTxt RobotsTxt::allow_all() {
  return RobotsTxt{};
}

RobotsTxt RobotsTxt::disallow_all() {
  RobotsTxt robots;
  Group group;
  group.global = true;
  group.rules.push_back(RobotsRule{.allow = false, .pattern = "/", .line = 0});
  robots.groups_.push_back(std::move(group));
  return robots;
}

RobotsTxt RobotsTxt::parse(std::string_view content) {
  content = capped(content);
  if (content.starts_with(kUtf8Bom)) content.remove_prefix(kUtf8Bom.size());

  RobotsTxt robots;
  // Index of the group rules go to; none before the first user-agent line.
  std::optional<std::size_t> group;
  // True while the current group has seen only user-agent lines, so another
  // user-agent line joins it instead of starting a new group. Only allow and
  // disallow lines end this (RFC 9309 section 2.2.4: other records must not
  // split groups).
  bool collecting_agents = false;

  int line_number = 0;
  std::size_t pos = 0;
  while (pos < content.size()) {
    std::size_t end = content.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = content.size();
    std::string_view line = content.substr(pos, end - pos);
    ++line_number;
    pos = end + 1;
    if (end + 1 < content.size() && content[end] == '\r' && content[end + 1] == '\n') ++pos;

    line = line.substr(0, line.find('#'));
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view value = trim_ascii_space(line.substr(colon + 1));

    const Key key = classify_key(trim_ascii_space(line.substr(0, colon)));
    switch (key) {
      case Key::kUserAgent: {
        if (!collecting_agents) {
          robots.groups_.emplace_back();
          group = robots.groups_.size() - 1;
          collecting_agents = true;
        }
        Group& g = robots.groups_[*group];
        if (is_global_agent(value)) {
          g.global = true;
        } else if (std::string token = robots_product_token(value); !token.empty()) {
          g.agents.push_back(ascii_lowercase(token));
        }
        break;
      }
      case Key::kAllow:
      case Key::kDisallow: {
        if (!group) break;
        collecting_agents = false;
        // An empty pattern matches nothing: "Disallow:" alone allows all.
        if (value.empty()) break;
        robots.groups_[*group].rules.push_back(
            RobotsRule{.allow = key == Key::kAllow,
                       .pattern = normalize_octets(value, Side::kPattern),
                       .line = line_number});
        break;
      }
      case Key::kCrawlDelay: {
        if (!group) break;
        std::optional<double>& delay = robots.groups_[*group].crawl_delay;
        if (!delay) delay = parse_delay(value);
        break;
      }
      case Key::kSitemap:
        if (!value.empty()) robots.sitemaps_.emplace_back(value);
        break;
      case Key::kOther:
        break;
    }
  }
  return robots;
}

std::vector<const RobotsTxt::Group*> RobotsTxt::groups_for(std::string_view agent) const {
  const std::string token = ascii_lowercase(robots_product_token(agent));
  std::vector<const Group*> specific;
  std::vector<const Group*> global;
  for (const Group& g : groups_) {
    bool names_us = false;
    if (!token.empty()) {
      for (const std::string& a : g.agents) names_us = names_us || a == token;
    }
    if (names_us) {
      specific.push_back(&g);
    } else if (g.global) {
      global.push_back(&g);
    }
  }
  return specific.empty() ? global : specific;
}

RobotsDecision RobotsTxt::check(std::string_view agent, std::string_view path_and_query) const {
  std::string path = normalize_octets(path_and_query, Side::kPath);
  if (path.empty() || path[0] != '/') path.insert(0, 1, '/');
  if (std::string_view(path).substr(0, path.find('?')) == "/robots.txt") return {};

  const RobotsRule* best = nullptr;
  std::size_t work = kMaxMatchWork;
  for (const Group* g : groups_for(agent)) {
    for (const RobotsRule& rule : g->rules) {
      if (work == 0) break;
      if (best != nullptr && rule.pattern.size() < best->pattern.size()) continue;
      if (best != nullptr && rule.pattern.size() == best->pattern.size() &&
          (best->allow || !rule.allow)) {
        continue;  // equal length: only an allow can replace a disallow
      }
      if (pattern_matches(rule.pattern, path, work)) best = &rule;
    }
  }
  // Too costly to decide: refused, as a server that cannot say is.
  if (work == 0) return RobotsDecision{.allowed = false, .rule = {}, .too_costly = true};
  if (best == nullptr) return {};
  return RobotsDecision{.allowed = best->allow, .rule = *best};
}

std::optional<double> RobotsTxt::crawl_delay(std::string_view agent) const {
  for (const Group* g : groups_for(agent)) {
    if (g->crawl_delay) return g->crawl_delay;
  }
  return std::nullopt;
}

}  // namespace crawler::parsers
