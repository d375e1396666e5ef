// Sitemap parsing with expat (streaming) and zlib. Bytes flow body ->
// GzipStream (only when the body starts 1f 8b) -> SitemapReader, which cuts
// them at max_bytes and feeds expat, whose callbacks build the Sitemap. The
// first error or limit stops everything; entries completed before it stay.
// Names match by local name (after the last ':') on a non-namespace parser,
// so an undeclared prefix is no error; a DOCTYPE stops before any entity.
#include "parsers/sitemap.hpp"

#include <expat.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "parsers/ascii.hpp"

namespace crawler::parsers {
namespace {

// Inflated bytes handed to expat per call. expat 2.5 rescans an unfinished
// token (a huge comment or start tag) on every call, so small chunks would
// make such a token quadratic; 4 MiB keeps the worst case to a few rescans
// of max_bytes.
// NOTE(expat CVE-2023-52425): fixed by reparse deferral only in expat 2.6.
constexpr std::size_t kInflateChunkBytes = 4 * 1024 * 1024;
constexpr std::size_t kFirstChunkBytes = 64 * 1024;
// A plain body goes to expat in one call unless it is larger than this.
constexpr std::size_t kMaxFeedBytes = 1024 * 1024 * 1024;

bool is_gzip(std::string_view body) {
  return body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
         static_cast<unsigned char>(body[1]) == 0x8b;
}

// "sm:urlset" -> "urlset".
std::string_view local_name(std::string_view name) {
  const auto colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

/// Inflates a gzip body (one member or several concatenated ones) chunk by
/// chunk. Owns its z_stream; bytes after the last member are ignored.
class GzipStream {
 public:
  explicit GzipStream(std::string_view input) : input_(input) {
    if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK) {  // 16: gzip wrapper only
      error_ = "gzip: cannot initialize zlib";
      done_ = true;
      return;
    }
    initialized_ = true;
  }
  ~GzipStream() {
    if (initialized_) inflateEnd(&stream_);
  }
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  /// The next inflated bytes (at most kInflateChunkBytes); empty at the end
  /// of the data or after an error. Valid until the next call.
  std::string_view next() {
    if (done_) return {};
    // The buffer doubles from a small start: a 4 MiB buffer filled with
    // zeros for every small gzip body was most of what one cost (6 ms per
    // input in the sitemap fuzzer). Doubling keeps expat's rescans of an
    // unfinished token to about twice its length.
    out_.resize(std::min(kInflateChunkBytes, std::max(kFirstChunkBytes, 2 * out_.size())));
    std::size_t produced = 0;
    while (produced < out_.size() && !done_) {
      const auto in_size = static_cast<uInt>(std::min<std::size_t>(input_.size(), UINT_MAX));
      stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input_.data()));
      stream_.avail_in = in_size;
      stream_.next_out = reinterpret_cast<Bytef*>(out_.data() + produced);
      stream_.avail_out = static_cast<uInt>(out_.size() - produced);
      const int rc = inflate(&stream_, Z_NO_FLUSH);
      input_.remove_prefix(in_size - stream_.avail_in);
      produced = out_.size() - stream_.avail_out;
      if (rc == Z_STREAM_END) {
        if (is_gzip(input_)) {
          inflateReset(&stream_);  // another member follows
        } else {
          done_ = true;
        }
      } else if (rc == Z_BUF_ERROR) {  // no progress: the input ran out mid-stream
        error_ = "gzip: unexpected end of data";
        done_ = true;
      } else if (rc != Z_OK) {
        error_ = std::string("gzip: ") + (stream_.msg != nullptr ? stream_.msg : "corrupt data");
        done_ = true;
      }
    }
    return std::string_view(out_.data(), produced);
  }

  /// Why inflating stopped early; empty when the data ended cleanly.
  const std::string& error() const { return error_; }

 private:
  z_stream stream_{};
  bool initialized_ = false;
  bool done_ = false;
  std::string_view input_;  // not yet consumed by zlib
  std::string out_;
  std::string error_;
};

struct ParserFree {
  void operator()(XML_Parser parser) const { XML_ParserFree(parser); }
};
using ParserPtr = std::unique_ptr<std::remove_pointer_t<XML_Parser>, ParserFree>;

/// Feeds bytes to an expat parser and builds a Sitemap from its callbacks.
/// Not movable: expat holds `this` as user data.
class SitemapReader {
 public:
  explicit SitemapReader(SitemapLimits limits)
      : parser_(XML_ParserCreate(nullptr)), limits_(limits) {
    if (!parser_) {
      fail("cannot create XML parser");
      return;
    }
    XML_Parser p = parser_.get();
    XML_SetUserData(p, this);
    XML_SetElementHandler(p, &SitemapReader::on_start, &SitemapReader::on_end);
    XML_SetCharacterDataHandler(p, &SitemapReader::on_text);
    XML_SetStartDoctypeDeclHandler(p, &SitemapReader::on_doctype);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
  }
  SitemapReader(const SitemapReader&) = delete;
  SitemapReader& operator=(const SitemapReader&) = delete;

  /// Parses the next bytes of the document; false once parsing has stopped.
  bool feed(std::string_view bytes) {
    if (stopped_) return false;
    const std::size_t room = limits_.max_bytes - fed_bytes_;
    const bool over_limit = bytes.size() > room;
    if (over_limit) bytes = bytes.substr(0, room);
    fed_bytes_ += bytes.size();
    if (!seen_content_) {
      // Tolerate blank lines before "<?xml" (expat rejects them), keeping
      // line numbers true by counting what is skipped.
      while (!bytes.empty() && is_xml_space(bytes.front())) {
        if (bytes.front() == '\n') ++skipped_lines_;
        bytes.remove_prefix(1);
      }
      seen_content_ = !bytes.empty();
    }
    if (!bytes.empty()) parse(bytes, false);
    if (over_limit && !stopped_) {
      result_.truncated = true;
      fail("too big: more than " + std::to_string(limits_.max_bytes) + " bytes uncompressed");
    }
    return !stopped_;
  }

  /// Stops parsing with `error` unless it has already stopped.
  void fail(std::string error) {
    if (stopped_) return;
    stopped_ = true;
    result_.error = std::move(error);
  }

  /// Ends the document after the last feed and hands over the result.
  Sitemap finish() {
    if (!stopped_) {
      if (!seen_content_) {
        fail("empty body");
      } else {
        parse({}, true);
      }
    }
    return std::move(result_);
  }

 private:
  enum class Field { kNone, kLoc, kLastmod };

  void parse(std::string_view bytes, bool is_final) {
    if (XML_Parse(parser_.get(), bytes.data(), static_cast<int>(bytes.size()), is_final) ==
            XML_STATUS_ERROR &&
        !stopped_) {  // when stopped_, a callback aborted and said why
      fail(line_prefix() + XML_ErrorString(XML_GetErrorCode(parser_.get())));
    }
  }

  // Called from callbacks: also aborts expat's current XML_Parse call.
  void stop(std::string error) {
    fail(std::move(error));
    XML_StopParser(parser_.get(), XML_FALSE);
  }

  std::string line_prefix() const {
    const auto line = XML_GetCurrentLineNumber(parser_.get()) + skipped_lines_;
    return "line " + std::to_string(line) + ": ";
  }

  void start_element(std::string_view name) {
    ++depth_;
    const std::string_view local = local_name(name);
    if (depth_ == 1) {
      if (local == "urlset") {
        result_.kind = SitemapKind::kUrlSet;
        item_name_ = "url";
      } else if (local == "sitemapindex") {
        result_.kind = SitemapKind::kIndex;
        item_name_ = "sitemap";
      } else {
        stop("not a sitemap: root element <" + std::string(name) + ">");
      }
    } else if (depth_ == 2 && local == item_name_) {
      in_item_ = true;
      item_ = {};
    } else if (depth_ == 3 && in_item_) {
      field_ = local == "loc" ? Field::kLoc : local == "lastmod" ? Field::kLastmod : Field::kNone;
      text_.clear();
    }
  }

  void end_element() {
    if (depth_ == 3 && field_ != Field::kNone) {
      // The first <loc> or <lastmod> of an item wins.
      std::string& target = field_ == Field::kLoc ? item_.loc : item_.lastmod;
      if (target.empty()) target = trim_ascii_space(text_, is_xml_space);
      field_ = Field::kNone;
    } else if (depth_ == 2 && in_item_) {
      in_item_ = false;
      if (!item_.loc.empty()) add_item();
    }
    --depth_;
  }

  void add_item() {
    if (result_.entries.size() >= limits_.max_entries) {
      result_.truncated = true;
      stop("too many entries: more than " + std::to_string(limits_.max_entries));
      return;
    }
    result_.entries.push_back(std::move(item_));
  }

  static void XMLCALL on_start(void* self, const XML_Char* name, const XML_Char** /*attrs*/) {
    auto* reader = static_cast<SitemapReader*>(self);
    if (!reader->stopped_) reader->start_element(name);
  }
  static void XMLCALL on_end(void* self, const XML_Char* /*name*/) {
    auto* reader = static_cast<SitemapReader*>(self);
    if (!reader->stopped_) reader->end_element();
  }
  static void XMLCALL on_text(void* self, const XML_Char* text, int len) {
    auto* reader = static_cast<SitemapReader*>(self);
    // Text arrives in pieces (entities, CDATA, buffer ends): accumulate.
    if (!reader->stopped_ && reader->depth_ == 3 && reader->field_ != Field::kNone) {
      reader->text_.append(text, static_cast<std::size_t>(len));
    }
  }
  // Runs right after "<!DOCTYPE name", before any entity can be declared:
  // rejecting here makes billion-laughs and external entities impossible.
  static void XMLCALL on_doctype(void* self, const XML_Char* name, const XML_Char* /*sysid*/,
                                 const XML_Char* /*pubid*/, int /*has_internal_subset*/) {
    auto* reader = static_cast<SitemapReader*>(self);
    if (reader->stopped_) return;
    const std::string_view local = local_name(name);
    if (local != "urlset" && local != "sitemapindex") {
      reader->stop("not a sitemap: <!DOCTYPE " + std::string(name) + ">");
    } else {
      reader->stop(reader->line_prefix() + "DOCTYPE not allowed in a sitemap");
    }
  }

  ParserPtr parser_;
  SitemapLimits limits_;
  Sitemap result_;
  std::size_t fed_bytes_ = 0;        // counted against max_bytes
  bool seen_content_ = false;        // a non-space byte reached expat
  unsigned long skipped_lines_ = 0;  // newlines skipped before the document
  bool stopped_ = false;
  int depth_ = 0;               // 1 = root, 2 = item, 3 = item field
  std::string_view item_name_;  // "url" or "sitemap", set by the root
  bool in_item_ = false;
  Field field_ = Field::kNone;
  std::string text_;  // text of the current field so far
  SitemapEntry item_;
};

}  // namespace

std::string_view to_string(SitemapKind kind) {
  switch (kind) {
    case SitemapKind::kUrlSet:
      return "urlset";
    case SitemapKind::kIndex:
      return "sitemapindex";
    case SitemapKind::kUnknown:
      break;
  }
  return "unknown";
}

Sitemap parse_sitemap(std::string_view body, SitemapLimits limits) {
  SitemapReader reader(limits);
  if (is_gzip(body)) {
    GzipStream gzip(body);
    for (auto chunk = gzip.next(); !chunk.empty(); chunk = gzip.next()) {
      if (!reader.feed(chunk)) break;  // stop inflating too: a bomb ends here
    }
    if (!gzip.error().empty()) reader.fail(gzip.error());
  } else {
    while (!body.empty()) {
      const std::size_t n = std::min(body.size(), kMaxFeedBytes);
      if (!reader.feed(body.substr(0, n))) break;
      body.remove_prefix(n);
    }
  }
  return reader.finish();
}

}  // namespace crawler::parsers
