// Nesting guard: gumbo's tree construction is worse than quadratic in the
// depth of open elements (100,000 nested <div>s take minutes), so a hostile
// page could hold a parser thread hostage. A linear pre-scan estimates the
// nesting depth and finds where it first passes a limit; only the document
// before that point is handed to gumbo.
#pragma once

#include <cstddef>
#include <string_view>

namespace crawler::parsers {

/// Default limit: gumbo parses 3,000 levels in about 0.1 s on one core.
inline constexpr std::size_t kMaxNestingDepth = 3000;

/// Length of the prefix of `html` whose estimated element nesting stays
/// within `max_depth`; html.size() for ordinary pages.
std::size_t nesting_safe_length(std::string_view html, std::size_t max_depth = kMaxNestingDepth);

}  // namespace crawler::parsers
