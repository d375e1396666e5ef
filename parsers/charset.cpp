// Encoding detection and conversion to UTF-8 for HTML bodies. UTF-8,
// windows-1252 and x-user-defined are decoded here; every other encoding goes
// through glibc iconv, one byte skipped (two for UTF-16) and one U+FFFD
// emitted per invalid sequence, so no input can stall or fail the loop. Every
// path emits at most 3 output bytes per input byte and only valid UTF-8.
#include "parsers/charset.hpp"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "parsers/ascii.hpp"

namespace crawler::parsers {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8
constexpr std::size_t kMaxLabelLength = 64;                // longer labels are unknown

struct Label {
  std::string_view label;
  std::string_view encoding;
};

// The WHATWG Encoding Standard label table (encodings.json), minus the
// "replacement" labels. Labels are lowercase.
constexpr Label kLabels[] = {
    {"unicode-1-1-utf-8", "utf-8"},
    {"unicode11utf8", "utf-8"},
    {"unicode20utf8", "utf-8"},
    {"utf-8", "utf-8"},
    {"utf8", "utf-8"},
    {"x-unicode20utf8", "utf-8"},
    {"866", "ibm866"},
    {"cp866", "ibm866"},
    {"csibm866", "ibm866"},
    {"ibm866", "ibm866"},
    {"csisolatin2", "iso-8859-2"},
    {"iso-8859-2", "iso-8859-2"},
    {"iso-ir-101", "iso-8859-2"},
    {"iso8859-2", "iso-8859-2"},
    {"iso88592", "iso-8859-2"},
    {"iso_8859-2", "iso-8859-2"},
    {"iso_8859-2:1987", "iso-8859-2"},
    {"l2", "iso-8859-2"},
    {"latin2", "iso-8859-2"},
    {"csisolatin3", "iso-8859-3"},
    {"iso-8859-3", "iso-8859-3"},
    {"iso-ir-109", "iso-8859-3"},
    {"iso8859-3", "iso-8859-3"},
    {"iso88593", "iso-8859-3"},
    {"iso_8859-3", "iso-8859-3"},
    {"iso_8859-3:1988", "iso-8859-3"},
    {"l3", "iso-8859-3"},
    {"latin3", "iso-8859-3"},
    {"csisolatin4", "iso-8859-4"},
    {"iso-8859-4", "iso-8859-4"},
    {"iso-ir-110", "iso-8859-4"},
    {"iso8859-4", "iso-8859-4"},
    {"iso88594", "iso-8859-4"},
    {"iso_8859-4", "iso-8859-4"},
    {"iso_8859-4:1988", "iso-8859-4"},
    {"l4", "iso-8859-4"},
    {"latin4", "iso-8859-4"},
    {"csisolatincyrillic", "iso-8859-5"},
    {"cyrillic", "iso-8859-5"},
    {"iso-8859-5", "iso-8859-5"},
    {"iso-ir-144", "iso-8859-5"},
    {"iso8859-5", "iso-8859-5"},
    {"iso88595", "iso-8859-5"},
    {"iso_8859-5", "iso-8859-5"},
    {"iso_8859-5:1988", "iso-8859-5"},
    {"arabic", "iso-8859-6"},
    {"asmo-708", "iso-8859-6"},
    {"csiso88596e", "iso-8859-6"},
    {"csiso88596i", "iso-8859-6"},
    {"csisolatinarabic", "iso-8859-6"},
    {"ecma-114", "iso-8859-6"},
    {"iso-8859-6", "iso-8859-6"},
    {"iso-8859-6-e", "iso-8859-6"},
    {"iso-8859-6-i", "iso-8859-6"},
    {"iso-ir-127", "iso-8859-6"},
    {"iso8859-6", "iso-8859-6"},
    {"iso88596", "iso-8859-6"},
    {"iso_8859-6", "iso-8859-6"},
    {"iso_8859-6:1987", "iso-8859-6"},
    {"csisolatingreek", "iso-8859-7"},
    {"ecma-118", "iso-8859-7"},
    {"elot_928", "iso-8859-7"},
    {"greek", "iso-8859-7"},
    {"greek8", "iso-8859-7"},
    {"iso-8859-7", "iso-8859-7"},
    {"iso-ir-126", "iso-8859-7"},
    {"iso8859-7", "iso-8859-7"},
    {"iso88597", "iso-8859-7"},
    {"iso_8859-7", "iso-8859-7"},
    {"iso_8859-7:1987", "iso-8859-7"},
    {"sun_eu_greek", "iso-8859-7"},
    {"csiso88598e", "iso-8859-8"},
    {"csisolatinhebrew", "iso-8859-8"},
    {"hebrew", "iso-8859-8"},
    {"iso-8859-8", "iso-8859-8"},
    {"iso-8859-8-e", "iso-8859-8"},
    {"iso-ir-138", "iso-8859-8"},
    {"iso8859-8", "iso-8859-8"},
    {"iso88598", "iso-8859-8"},
    {"iso_8859-8", "iso-8859-8"},
    {"iso_8859-8:1988", "iso-8859-8"},
    {"visual", "iso-8859-8"},
    {"csiso88598i", "iso-8859-8-i"},
    {"iso-8859-8-i", "iso-8859-8-i"},
    {"logical", "iso-8859-8-i"},
    {"csisolatin6", "iso-8859-10"},
    {"iso-8859-10", "iso-8859-10"},
    {"iso-ir-157", "iso-8859-10"},
    {"iso8859-10", "iso-8859-10"},
    {"iso885910", "iso-8859-10"},
    {"l6", "iso-8859-10"},
    {"latin6", "iso-8859-10"},
    {"iso-8859-13", "iso-8859-13"},
    {"iso8859-13", "iso-8859-13"},
    {"iso885913", "iso-8859-13"},
    {"iso-8859-14", "iso-8859-14"},
    {"iso8859-14", "iso-8859-14"},
    {"iso885914", "iso-8859-14"},
    {"csisolatin9", "iso-8859-15"},
    {"iso-8859-15", "iso-8859-15"},
    {"iso8859-15", "iso-8859-15"},
    {"iso885915", "iso-8859-15"},
    {"iso_8859-15", "iso-8859-15"},
    {"l9", "iso-8859-15"},
    {"iso-8859-16", "iso-8859-16"},
    {"cskoi8r", "koi8-r"},
    {"koi", "koi8-r"},
    {"koi8", "koi8-r"},
    {"koi8-r", "koi8-r"},
    {"koi8_r", "koi8-r"},
    {"koi8-ru", "koi8-u"},
    {"koi8-u", "koi8-u"},
    {"csmacintosh", "macintosh"},
    {"mac", "macintosh"},
    {"macintosh", "macintosh"},
    {"x-mac-roman", "macintosh"},
    {"dos-874", "windows-874"},
    {"iso-8859-11", "windows-874"},
    {"iso8859-11", "windows-874"},
    {"iso885911", "windows-874"},
    {"tis-620", "windows-874"},
    {"windows-874", "windows-874"},
    {"cp1250", "windows-1250"},
    {"windows-1250", "windows-1250"},
    {"x-cp1250", "windows-1250"},
    {"cp1251", "windows-1251"},
    {"windows-1251", "windows-1251"},
    {"x-cp1251", "windows-1251"},
    {"ansi_x3.4-1968", "windows-1252"},
    {"ascii", "windows-1252"},
    {"cp1252", "windows-1252"},
    {"cp819", "windows-1252"},
    {"csisolatin1", "windows-1252"},
    {"ibm819", "windows-1252"},
    {"iso-8859-1", "windows-1252"},
    {"iso-ir-100", "windows-1252"},
    {"iso8859-1", "windows-1252"},
    {"iso88591", "windows-1252"},
    {"iso_8859-1", "windows-1252"},
    {"iso_8859-1:1987", "windows-1252"},
    {"l1", "windows-1252"},
    {"latin1", "windows-1252"},
    {"us-ascii", "windows-1252"},
    {"windows-1252", "windows-1252"},
    {"x-cp1252", "windows-1252"},
    {"cp1253", "windows-1253"},
    {"windows-1253", "windows-1253"},
    {"x-cp1253", "windows-1253"},
    {"cp1254", "windows-1254"},
    {"csisolatin5", "windows-1254"},
    {"iso-8859-9", "windows-1254"},
    {"iso-ir-148", "windows-1254"},
    {"iso8859-9", "windows-1254"},
    {"iso88599", "windows-1254"},
    {"iso_8859-9", "windows-1254"},
    {"iso_8859-9:1989", "windows-1254"},
    {"l5", "windows-1254"},
    {"latin5", "windows-1254"},
    {"windows-1254", "windows-1254"},
    {"x-cp1254", "windows-1254"},
    {"cp1255", "windows-1255"},
    {"windows-1255", "windows-1255"},
    {"x-cp1255", "windows-1255"},
    {"cp1256", "windows-1256"},
    {"windows-1256", "windows-1256"},
    {"x-cp1256", "windows-1256"},
    {"cp1257", "windows-1257"},
    {"windows-1257", "windows-1257"},
    {"x-cp1257", "windows-1257"},
    {"cp1258", "windows-1258"},
    {"windows-1258", "windows-1258"},
    {"x-cp1258", "windows-1258"},
    {"x-mac-cyrillic", "x-mac-cyrillic"},
    {"x-mac-ukrainian", "x-mac-cyrillic"},
    {"chinese", "gbk"},
    {"csgb2312", "gbk"},
    {"csiso58gb231280", "gbk"},
    {"gb2312", "gbk"},
    {"gb_2312", "gbk"},
    {"gb_2312-80", "gbk"},
    {"gbk", "gbk"},
    {"iso-ir-58", "gbk"},
    {"x-gbk", "gbk"},
    {"gb18030", "gb18030"},
    {"big5", "big5"},
    {"big5-hkscs", "big5"},
    {"cn-big5", "big5"},
    {"csbig5", "big5"},
    {"x-x-big5", "big5"},
    {"cseucpkdfmtjapanese", "euc-jp"},
    {"euc-jp", "euc-jp"},
    {"x-euc-jp", "euc-jp"},
    {"csiso2022jp", "iso-2022-jp"},
    {"iso-2022-jp", "iso-2022-jp"},
    {"csshiftjis", "shift_jis"},
    {"ms932", "shift_jis"},
    {"ms_kanji", "shift_jis"},
    {"shift-jis", "shift_jis"},
    {"shift_jis", "shift_jis"},
    {"sjis", "shift_jis"},
    {"windows-31j", "shift_jis"},
    {"x-sjis", "shift_jis"},
    {"cseuckr", "euc-kr"},
    {"csksc56011987", "euc-kr"},
    {"euc-kr", "euc-kr"},
    {"iso-ir-149", "euc-kr"},
    {"korean", "euc-kr"},
    {"ks_c_5601-1987", "euc-kr"},
    {"ks_c_5601-1989", "euc-kr"},
    {"ksc5601", "euc-kr"},
    {"ksc_5601", "euc-kr"},
    {"windows-949", "euc-kr"},
    {"unicodefffe", "utf-16be"},
    {"utf-16be", "utf-16be"},
    {"csunicode", "utf-16le"},
    {"iso-10646-ucs-2", "utf-16le"},
    {"ucs-2", "utf-16le"},
    {"unicode", "utf-16le"},
    {"unicodefeff", "utf-16le"},
    {"utf-16", "utf-16le"},
    {"utf-16le", "utf-16le"},
    {"x-user-defined", "x-user-defined"},
};

struct IconvName {
  std::string_view encoding;
  const char* iconv_name;
};

// Canonical name -> glibc iconv name, picking the glibc table closest to the
// WHATWG index: WHATWG shift_jis is Microsoft's CP932, euc-kr is windows-949
// (CP949), koi8-u is KOI8-RU, big5 is Big5-HKSCS, and the gbk decoder is the
// gb18030 decoder. utf-8, windows-1252 and x-user-defined are decoded here.
constexpr IconvName kIconvNames[] = {
    {"ibm866", "IBM866"},
    {"iso-8859-2", "ISO-8859-2"},
    {"iso-8859-3", "ISO-8859-3"},
    {"iso-8859-4", "ISO-8859-4"},
    {"iso-8859-5", "ISO-8859-5"},
    {"iso-8859-6", "ISO-8859-6"},
    {"iso-8859-7", "ISO-8859-7"},
    {"iso-8859-8", "ISO-8859-8"},
    {"iso-8859-8-i", "ISO-8859-8"},
    {"iso-8859-10", "ISO-8859-10"},
    {"iso-8859-13", "ISO-8859-13"},
    {"iso-8859-14", "ISO-8859-14"},
    {"iso-8859-15", "ISO-8859-15"},
    {"iso-8859-16", "ISO-8859-16"},
    {"koi8-r", "KOI8-R"},
    {"koi8-u", "KOI8-RU"},
    {"macintosh", "MACINTOSH"},
    {"windows-874", "CP874"},
    {"windows-1250", "CP1250"},
    {"windows-1251", "CP1251"},
    {"windows-1253", "CP1253"},
    {"windows-1254", "CP1254"},
    {"windows-1255", "CP1255"},
    {"windows-1256", "CP1256"},
    {"windows-1257", "CP1257"},
    {"windows-1258", "CP1258"},
    {"x-mac-cyrillic", "MAC-CYRILLIC"},
    {"gbk", "GB18030"},
    {"gb18030", "GB18030"},
    {"big5", "BIG5-HKSCS"},
    {"euc-jp", "EUC-JP-MS"},
    {"iso-2022-jp", "ISO-2022-JP-2"},
    {"shift_jis", "CP932"},
    {"euc-kr", "CP949"},
    {"utf-16be", "UTF-16BE"},
    {"utf-16le", "UTF-16LE"},
};

// windows-1252 bytes 0x80..0x9F; the rest of the range equals Latin-1. The
// five holes map to C1 controls, as in the WHATWG index.
constexpr std::array<char16_t, 32> kWindows1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

unsigned char byte_at(std::string_view s, std::size_t i) {
  return static_cast<unsigned char>(s[i]);
}

void append_code_point(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {  // the native decoders only produce BMP code points
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// ---- UTF-8 ---------------------------------------------------------------

// One step of the WHATWG UTF-8 decoder at `i`: either a valid sequence, or
// the maximal invalid subpart that one U+FFFD replaces.
struct Utf8Step {
  std::size_t length = 1;
  bool valid = true;
  bool truncated = false;  // invalid only because the input ended mid-sequence
};

Utf8Step utf8_step(std::string_view in, std::size_t i) {
  const unsigned char lead = byte_at(in, i);
  if (lead < 0x80) return {};
  std::size_t needed = 0;
  unsigned char lower = 0x80;
  unsigned char upper = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    needed = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    needed = 2;
    if (lead == 0xE0) lower = 0xA0;  // overlong
    if (lead == 0xED) upper = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    needed = 3;
    if (lead == 0xF0) lower = 0x90;  // overlong
    if (lead == 0xF4) upper = 0x8F;  // above U+10FFFF
  } else {
    return {1, false, false};
  }
  for (std::size_t seen = 1; seen <= needed; ++seen) {
    if (i + seen >= in.size()) return {seen, false, true};
    const unsigned char next = byte_at(in, i + seen);
    if (next < lower || next > upper) return {seen, false, false};
    lower = 0x80;
    upper = 0xBF;
  }
  return {needed + 1, true, false};
}

void append_utf8_replacing(std::string& out, std::string_view in) {
  std::size_t i = 0;
  while (i < in.size()) {
    std::size_t run = i;
    while (run < in.size() && byte_at(in, run) < 0x80) ++run;
    out.append(in.substr(i, run - i));
    i = run;
    if (i >= in.size()) break;
    const Utf8Step step = utf8_step(in, i);
    if (step.valid) {
      out.append(in.substr(i, step.length));
    } else {
      out.append(kReplacement);
    }
    i += step.length;
  }
}

// True when `in` is valid UTF-8 with at least one complete non-ASCII
// sequence. A sequence cut off by the end is allowed (a size limit may have
// cut the body) but does not count: "caf\xE9" stays windows-1252.
bool looks_like_utf8(std::string_view in) {
  bool non_ascii = false;
  std::size_t i = 0;
  while (i < in.size()) {
    if (byte_at(in, i) < 0x80) {
      ++i;
      continue;
    }
    const Utf8Step step = utf8_step(in, i);
    if (!step.valid && !step.truncated) return false;
    non_ascii = non_ascii || step.valid;
    i += step.length;
  }
  return non_ascii;
}

// ---- Single-byte encodings decoded here ------------------------------------

void append_windows_1252(std::string& out, std::string_view in) {
  for (const char c : in) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
    } else if (b < 0xA0) {
      append_code_point(out, kWindows1252High[b - 0x80]);
    } else {
      append_code_point(out, b);
    }
  }
}

void append_x_user_defined(std::string& out, std::string_view in) {
  for (const char c : in) {
    const auto b = static_cast<unsigned char>(c);
    append_code_point(out, b < 0x80 ? char32_t{b} : char32_t{0xF780u + b - 0x80u});
  }
}

// ---- iconv -----------------------------------------------------------------

/// Owns one iconv conversion descriptor.
class IconvHandle {
 public:
  IconvHandle(const char* to, const char* from) : cd_(iconv_open(to, from)) {}
  ~IconvHandle() {
    if (valid()) iconv_close(cd_);
  }
  IconvHandle(const IconvHandle&) = delete;
  IconvHandle& operator=(const IconvHandle&) = delete;

  bool valid() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  iconv_t get() const { return cd_; }

 private:
  iconv_t cd_;
};

const char* iconv_name_of(std::string_view encoding) {
  for (const IconvName& entry : kIconvNames) {
    if (entry.encoding == encoding) return entry.iconv_name;
  }
  return nullptr;
}

// Converts `in` to UTF-8 with iconv, appending to `out`. Returns false only
// when iconv cannot open the conversion (then `out` is untouched).
bool append_via_iconv(std::string& out, std::string_view in, std::string_view encoding) {
  const char* from = iconv_name_of(encoding);
  if (from == nullptr) return false;
  IconvHandle cd("UTF-8", from);
  if (!cd.valid()) return false;

  // A UTF-16 code unit is two bytes: skipping one would misalign the rest.
  const std::size_t error_skip = encoding.starts_with("utf-16") ? 2 : 1;
  // NOTE(WHATWG Encoding, gb18030 decoder): byte 0x80 alone is U+20AC; glibc
  // GB18030 rejects it.
  const bool euro_at_0x80 = encoding == "gbk" || encoding == "gb18030";

  std::array<char, 16 * 1024> buffer{};
  char* in_ptr = const_cast<char*>(in.data());  // iconv does not write input
  std::size_t in_left = in.size();
  while (in_left > 0) {
    char* out_ptr = buffer.data();
    std::size_t out_left = buffer.size();
    const std::size_t rc = iconv(cd.get(), &in_ptr, &in_left, &out_ptr, &out_left);
    const int error = errno;
    out.append(buffer.data(), static_cast<std::size_t>(out_ptr - buffer.data()));
    if (rc != static_cast<std::size_t>(-1)) break;  // all input converted
    if (error == E2BIG && out_ptr != buffer.data()) continue;
    if (error == EINVAL) {  // incomplete sequence at the end of the input
      out.append(kReplacement);
      break;
    }
    // EILSEQ (or anything unexpected): replace and move on, so every
    // iteration consumes input or output and the loop is bounded.
    if (in_left == 0) break;
    const std::size_t skip = std::min(error_skip, in_left);
    if (euro_at_0x80 && static_cast<unsigned char>(*in_ptr) == 0x80) {
      append_code_point(out, 0x20AC);
    } else {
      out.append(kReplacement);
    }
    in_ptr += skip;
    in_left -= skip;
  }
  // Return a stateful decoder (ISO-2022-JP) to its initial state.
  char* out_ptr = buffer.data();
  std::size_t out_left = buffer.size();
  iconv(cd.get(), nullptr, nullptr, &out_ptr, &out_left);
  out.append(buffer.data(), static_cast<std::size_t>(out_ptr - buffer.data()));
  return true;
}

// Decodes `bytes` (BOM already removed) as `encoding`, a canonical name.
DecodedHtml decode_as(std::string_view bytes, std::string encoding, std::string source) {
  DecodedHtml result;
  result.utf8.reserve(bytes.size() + bytes.size() / 2);
  if (encoding == "utf-8") {
    append_utf8_replacing(result.utf8, bytes);
  } else if (encoding == "x-user-defined") {
    append_x_user_defined(result.utf8, bytes);
  } else if (encoding == "windows-1252" || !append_via_iconv(result.utf8, bytes, encoding)) {
    // iconv lacks the table (no gconv modules): report what was really used.
    encoding = "windows-1252";
    append_windows_1252(result.utf8, bytes);
  }
  result.encoding = std::move(encoding);
  result.source = std::move(source);
  return result;
}

// ---- Content-Type --------------------------------------------------------

// The charset parameter of a Content-Type value (first one wins), as a
// canonical name; empty when absent or unknown.
std::string header_charset(std::string_view content_type) {
  std::size_t pos = content_type.find(';');
  while (pos != std::string_view::npos && pos < content_type.size()) {
    ++pos;  // past ';'
    while (pos < content_type.size() && is_html_space(content_type[pos])) ++pos;
    const std::size_t name_end = content_type.find_first_of("=;", pos);
    if (name_end == std::string_view::npos) return {};
    const std::string_view name =
        trim_ascii_space(content_type.substr(pos, name_end - pos), is_html_space);
    if (content_type[name_end] == ';') {
      pos = name_end;
      continue;
    }
    pos = name_end + 1;
    std::string value;
    if (pos < content_type.size() && content_type[pos] == '"') {
      for (++pos; pos < content_type.size() && content_type[pos] != '"'; ++pos) {
        if (content_type[pos] == '\\' && pos + 1 < content_type.size()) ++pos;
        value += content_type[pos];
      }
      pos = content_type.find(';', pos);
    } else {
      const std::size_t end = content_type.find(';', pos);
      value = content_type.substr(pos, end == std::string_view::npos ? end : end - pos);
      pos = end;
    }
    if (ascii_iequals(name, "charset")) {
      return canonical_encoding(value);
    }
  }
  return {};
}

// ---- <meta> prescan --------------------------------------------------------

// The WHATWG "prescan a byte stream to determine its encoding" (HTML
// 13.2.3.2), without the UTF-16 XML declaration check. Running out of input
// anywhere inside a tag aborts the prescan with no result.
class MetaPrescan {
 public:
  explicit MetaPrescan(std::string_view head) : in_(head) {}

  // Canonical encoding named by the first usable <meta>; empty for none.
  std::string run();

 private:
  struct Attribute {
    std::string name;
    std::string value;
  };

  std::string meta_charset();
  std::optional<Attribute> next_attribute();
  bool read_attribute_value(Attribute& attribute);
  bool ran_out() {
    if (pos_ < in_.size()) return false;
    exhausted_ = true;
    return true;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  bool exhausted_ = false;
};

// "Extracting a character encoding from a meta element" (HTML 2.5.5), over a
// content attribute value the prescan already lowercased.
std::string charset_from_content(std::string_view content) {
  std::size_t pos = 0;
  while (true) {
    const std::size_t found = content.find("charset", pos);
    if (found == std::string_view::npos) return {};
    std::size_t i = found + 7;
    while (i < content.size() && is_html_space(content[i])) ++i;
    if (i >= content.size() || content[i] != '=') {
      pos = i;
      continue;
    }
    ++i;
    while (i < content.size() && is_html_space(content[i])) ++i;
    if (i >= content.size()) return {};
    const char quote = content[i];
    if (quote == '"' || quote == '\'') {
      const std::size_t close = content.find(quote, i + 1);
      if (close == std::string_view::npos) return {};
      return canonical_encoding(content.substr(i + 1, close - i - 1));
    }
    const std::size_t end = content.find_first_of(" \t\n\f\r;", i);
    return canonical_encoding(content.substr(i, end == std::string_view::npos ? end : end - i));
  }
}

std::string MetaPrescan::run() {
  while (pos_ < in_.size() && !exhausted_) {
    const std::string_view rest = in_.substr(pos_);
    if (rest.starts_with("<!--")) {
      // The '>' of the first "-->"; the dashes may be those of "<!--".
      const std::size_t close = in_.find("-->", pos_ + 2);
      if (close == std::string_view::npos) return {};
      pos_ = close + 3;
    } else if (ascii_istarts_with(rest, "<meta") && rest.size() > 5 &&
               (is_html_space(rest[5]) || rest[5] == '/')) {
      pos_ += 6;
      std::string charset = meta_charset();
      if (exhausted_) return {};
      if (!charset.empty()) return charset;
      ++pos_;
    } else if (rest.size() > 2 && rest[0] == '<' &&
               (is_ascii_alpha(rest[1]) || (rest[1] == '/' && is_ascii_alpha(rest[2])))) {
      const std::size_t stop = in_.find_first_of(" \t\n\f\r>", pos_);
      if (stop == std::string_view::npos) return {};
      pos_ = stop;
      while (next_attribute()) {
      }
      ++pos_;
    } else if (rest.starts_with("<!") || rest.starts_with("</") || rest.starts_with("<?")) {
      const std::size_t close = in_.find('>', pos_ + 1);
      if (close == std::string_view::npos) return {};
      pos_ = close + 1;
    } else {
      ++pos_;
    }
  }
  return {};
}

// The attributes of one <meta>, from just after "<meta" to its '>'.
std::string MetaPrescan::meta_charset() {
  std::vector<std::string> seen;
  bool got_pragma = false;
  std::optional<bool> need_pragma;
  std::optional<std::string> charset;  // "" once a charset attribute failed
  while (std::optional<Attribute> attribute = next_attribute()) {
    if (std::find(seen.begin(), seen.end(), attribute->name) != seen.end()) continue;
    seen.push_back(attribute->name);
    if (attribute->name == "http-equiv") {
      if (attribute->value == "content-type") got_pragma = true;
    } else if (attribute->name == "content") {
      std::string found = charset_from_content(attribute->value);
      if (!found.empty() && !charset) {
        charset = std::move(found);
        need_pragma = true;
      }
    } else if (attribute->name == "charset") {
      charset = canonical_encoding(attribute->value);
      need_pragma = false;
    }
  }
  if (exhausted_ || !need_pragma || (*need_pragma && !got_pragma) || !charset || charset->empty()) {
    return {};
  }
  // A document the prescan could read is not UTF-16, whatever it claims.
  if (*charset == "utf-16le" || *charset == "utf-16be") return "utf-8";
  if (*charset == "x-user-defined") return "windows-1252";
  return *charset;
}

// "Get an attribute": nothing at '>' or at the end of input.
std::optional<MetaPrescan::Attribute> MetaPrescan::next_attribute() {
  while (!ran_out() && (is_html_space(in_[pos_]) || in_[pos_] == '/')) ++pos_;
  if (exhausted_ || in_[pos_] == '>') return std::nullopt;
  Attribute attribute;
  while (true) {  // the name
    if (ran_out()) return std::nullopt;
    const char c = in_[pos_];
    if (c == '=' && !attribute.name.empty()) {
      ++pos_;
      if (!read_attribute_value(attribute)) return std::nullopt;
      return attribute;
    }
    if (is_html_space(c)) break;
    if (c == '/' || c == '>') return attribute;
    attribute.name += ascii_lower(c);
    ++pos_;
  }
  while (!ran_out() && is_html_space(in_[pos_])) ++pos_;
  if (exhausted_) return std::nullopt;
  if (in_[pos_] != '=') return attribute;  // a name without a value
  ++pos_;
  if (!read_attribute_value(attribute)) return std::nullopt;
  return attribute;
}

// The value after '='; false when the input ran out first.
bool MetaPrescan::read_attribute_value(Attribute& attribute) {
  while (!ran_out() && is_html_space(in_[pos_])) ++pos_;
  if (exhausted_) return false;
  const char first = in_[pos_];
  if (first == '"' || first == '\'') {
    for (++pos_; !ran_out(); ++pos_) {
      if (in_[pos_] == first) {
        ++pos_;
        return true;
      }
      attribute.value += ascii_lower(in_[pos_]);
    }
    return false;
  }
  if (first == '>') return true;
  for (; !ran_out(); ++pos_) {
    const char c = in_[pos_];
    if (is_html_space(c) || c == '>') return true;
    attribute.value += ascii_lower(c);
  }
  return false;
}

}  // namespace

std::string canonical_encoding(std::string_view label) {
  label = trim_ascii_space(label, is_html_space);
  if (label.empty() || label.size() > kMaxLabelLength) return {};
  const std::string lower = ascii_lowercase(label);
  for (const Label& entry : kLabels) {
    if (entry.label == lower) return std::string(entry.encoding);
  }
  return {};
}

DecodedHtml decode_html(std::string_view body, std::string_view content_type) {
  if (body.starts_with("\xEF\xBB\xBF")) return decode_as(body.substr(3), "utf-8", "bom");
  if (body.starts_with("\xFE\xFF")) return decode_as(body.substr(2), "utf-16be", "bom");
  if (body.starts_with("\xFF\xFE")) return decode_as(body.substr(2), "utf-16le", "bom");

  if (std::string encoding = header_charset(content_type); !encoding.empty()) {
    return decode_as(body, std::move(encoding), "header");
  }
  if (std::string encoding = MetaPrescan(body.substr(0, kPrescanBytes)).run(); !encoding.empty()) {
    return decode_as(body, std::move(encoding), "meta");
  }
  if (looks_like_utf8(body)) return decode_as(body, "utf-8", "sniff");
  return decode_as(body, "windows-1252", "default");
}

}  // namespace crawler::parsers
