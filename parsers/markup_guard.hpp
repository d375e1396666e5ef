// Markup guard: gumbo's tree builder is super-linear in a few shapes of
// markup, and a page under 2 MiB of them held a parser thread for minutes:
// - deep nesting (each end tag walks the stack of open elements);
// - many open formatting elements (<b>, <font>, ...: the adoption agency
//   algorithm walks them for every misnested end tag, and every text after
//   a block reopens them);
// - many attributes on one tag (each new one is compared with all before it).
// A linear pre-scan models the stack of open elements as the tree builder
// keeps it (end tags matched by name; an end tag that matches nothing, or
// that a block element stands in front of, changes nothing) and caps each
// shape: formatting start tags past the cap and attributes past the cap are
// dropped (they carry no text or links), and the document is cut where the
// nesting passes its limit. Ordinary pages come out untouched.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace crawler::parsers {

struct MarkupLimits {
  std::size_t max_depth = 3000;           // gumbo parses 3,000 levels in about 0.1 s
  std::size_t max_open_formatting = 100;  // open <b>, <font>, <i>, ... at once
  std::size_t max_attributes = 256;       // per tag
};

struct GuardedMarkup {
  bool rewrote = false;   // something was dropped: the document is `rewritten`
  std::string rewritten;  // else the first `length` bytes of the input
  std::size_t length = 0;
  std::size_t dropped_tags = 0;        // formatting start tags past the cap
  std::size_t dropped_attributes = 0;  // attributes past the cap
  bool cut = false;                    // cut where the nesting passed max_depth

  /// The document gumbo should see, given the input guard_markup was given.
  std::string_view view(std::string_view input) const {
    return rewrote ? std::string_view(rewritten).substr(0, length) : input.substr(0, length);
  }
};

GuardedMarkup guard_markup(std::string_view html, const MarkupLimits& limits = {});

}  // namespace crawler::parsers
