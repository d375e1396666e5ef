// Character encodings of HTML pages: choosing the encoding of a fetched body
// (BOM, Content-Type charset, <meta> prescan, UTF-8 sniff, windows-1252) and
// converting it to UTF-8. Pure code over bytes: any input decodes, nothing
// throws, the output is always valid UTF-8 (bad input becomes U+FFFD), time
// is linear in the input and the output is at most 3 bytes per input byte.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace crawler::parsers {

/// A body converted to UTF-8, with the encoding used and why it was chosen.
struct DecodedHtml {
  std::string utf8;      // the document in UTF-8; BOM removed, invalid input as U+FFFD
  std::string encoding;  // canonical WHATWG name used, e.g. "windows-1252", "shift_jis"
  std::string source;    // how it was chosen: "bom", "header", "meta", "sniff", "default"
};

/// Decides the encoding of an HTML body and converts it to UTF-8, following
/// the WHATWG encoding sniffing algorithm in simplified form:
/// 1) a BOM (UTF-8, UTF-16LE, UTF-16BE) wins;
/// 2) the charset parameter of `content_type` (a Content-Type header value),
///    if it names a supported encoding;
/// 3) a <meta charset> or <meta http-equiv="Content-Type" content="...">
///    found by the WHATWG "prescan a byte stream" over the first
///    kPrescanBytes bytes (a utf-16 label there means utf-8);
/// 4) a sniff: valid UTF-8 holding non-ASCII bytes is utf-8 ("sniff"),
///    anything else is windows-1252 ("default").
/// A label that lies is still obeyed: bytes it cannot decode become U+FFFD.
DecodedHtml decode_html(std::string_view body, std::string_view content_type);

/// Maps a WHATWG encoding label to its canonical name ("latin1" ->
/// "windows-1252", "sjis" -> "shift_jis", "gb2312" -> "gbk", "utf8" ->
/// "utf-8", ...). ASCII case-insensitive, ASCII whitespace trimmed. Empty
/// for unknown labels and for the labels WHATWG maps to "replacement"
/// (iso-2022-kr, hz-gb-2312, ...), which this module does not decode.
std::string canonical_encoding(std::string_view label);

/// How many leading bytes the <meta> prescan looks at.
inline constexpr std::size_t kPrescanBytes = 1024;

}  // namespace crawler::parsers
