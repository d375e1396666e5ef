// UTF-8 validity, strict as RFC 3629 has it: no overlong forms, no
// surrogates, nothing past U+10FFFF. What JSON output and PostgreSQL text
// accept; bytes from the network (header values, reason phrases) need not be.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace crawler::parsers {

/// Length of the valid UTF-8 sequence that starts at s[i], or 0 if none does.
std::size_t utf8_length(std::string_view s, std::size_t i);

/// Whether `text` is valid UTF-8 (and, with `no_nul`, holds no NUL byte).
bool is_valid_utf8(std::string_view text, bool no_nul = false);

/// `text` with each byte that starts no valid sequence (and, with `no_nul`,
/// each NUL) replaced by U+FFFD, as the charset decoder treats bodies.
std::string to_valid_utf8(std::string_view text, bool no_nul = false);

}  // namespace crawler::parsers
