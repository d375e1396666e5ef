// The console's files as served: see console_static.hpp.
#include "crawler/service/console_static.hpp"

#include <zlib.h>

#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include "crawler/service/console_assets.hpp"

namespace crawler {

using async::HttpReply;
using async::HttpRequest;

namespace {

// The console's own files only: no inline script, nothing from elsewhere.
constexpr const char* kPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

std::string_view content_type(std::string_view path) {
  if (path.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  return "text/html; charset=utf-8";
}

// `text` as a gzip member (RFC 1952), for Content-Encoding: gzip.
std::string gzip(std::string_view text) {
  z_stream stream{};
  // 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("gzip: deflateInit2 failed");
  std::string out(deflateBound(&stream, static_cast<uLong>(text.size())) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate did not finish");
  return out;
}

// A console file as served: its ETag (a hash of the embedded bytes, which
// change only with the binary) and its gzip form, made once, on first use.
struct ServedFile {
  std::string etag;
  std::string gzipped;
};

const ServedFile& served(const EmbeddedFile& file) {
  static std::map<std::string_view, ServedFile> made;  // the loop thread only
  auto found = made.find(file.path);
  if (found != made.end()) return found->second;
  char etag[32];
  std::snprintf(etag, sizeof etag, "\"%016zx\"", std::hash<std::string_view>{}(file.body));
  return made.emplace(file.path, ServedFile{etag, gzip(file.body)}).first->second;
}

}  // namespace

std::optional<HttpReply> console_file(const HttpRequest& request) {
  std::string_view path = request.path;
  if (path == "/index.html") path = "/";
  for (const EmbeddedFile& file : console_files()) {
    if (file.path != path) continue;
    const ServedFile& made = served(file);
    HttpReply reply{200,
                    std::string(content_type(file.path == "/" ? ".html" : file.path)),
                    {},
                    {{"Content-Security-Policy", kPolicy},
                     {"X-Content-Type-Options", "nosniff"},
                     {"Referrer-Policy", "no-referrer"},
                     {"ETag", made.etag},
                     {"Vary", "Accept-Encoding"},
                     {"Cache-Control",
                      file.path == "/console/chart.js" ? "public, max-age=86400" : "no-cache"}}};
    if (request.header("If-None-Match") == made.etag) {
      reply.status = 304;
      return reply;
    }
    if (request.header("Accept-Encoding").find("gzip") != std::string_view::npos) {
      reply.body = made.gzipped;
      reply.headers.emplace_back("Content-Encoding", "gzip");
    } else {
      reply.body = std::string(file.body);
    }
    return reply;
  }
  return std::nullopt;
}

}  // namespace crawler
