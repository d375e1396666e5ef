// Hostile routes: see hostile_routes.hpp. The compression bombs are built
// once per process (1 GiB of zeros deflates to about 1 MiB in ~2 s).
#include "tests/support/hostile_routes.hpp"

#include <zlib.h>

#include <stdexcept>
#include <string>

namespace crawler::testing {
namespace {

constexpr std::uint64_t kGiB = 1024ull * 1024 * 1024;

const std::vector<HostileRoute> kCatalogue = {
    {"/hostile/endless", "200 text/html, no length, a body that never ends"},
    {"/hostile/drip-body", "a 1,000-byte body sent one byte a second"},
    {"/hostile/drip-headers", "one header line a second, never an empty line"},
    {"/hostile/gzip-bomb", "1 GiB of zeros, gzip-encoded (about 1 MiB on the wire)"},
    {"/hostile/deflate-bomb", "1 GiB of zeros, deflate-encoded"},
    {"/hostile/many-headers", "200,000 header lines"},
    {"/hostile/huge-header", "one header of 16 MiB"},
    {"/hostile/million-links", "a page of a million distinct links"},
    {"/hostile/deep-nesting", "500,000 nested elements"},
    {"/hostile/bad-chunked", "chunked encoding with a chunk size that is not hex"},
    {"/hostile/reset-mid-body", "Content-Length 100,000, then a reset after 1,000 bytes"},
    {"/hostile/short-body", "a body shorter than its Content-Length, then a close"},
    {"/hostile/redirect-loop", "a redirect to itself"},
    {"/hostile/bad-charset", "an unknown charset label and invalid bytes"},
    {"/hostile/binary", "1 MiB of binary served as text/html"},
    {"/hostile/http09", "an HTTP/0.9 reply: a body with no status line"},
    {"/hostile/internal-redirect", "a redirect to 127.0.0.1:1 (an internal address)"},
    {"/hostile/unmatched-end-tags", "<div></x> 230,000 times: nesting that end tags do not undo"},
    {"/hostile/adoption-agency", "2,900 distinct open <b>, then <div>q</b> 100,000 times"},
    {"/hostile/many-attributes", "one tag of 100,000 attributes, then a link"},
};

std::string zeros_compressed(int window_bits) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string zeros(1 << 20, '\0'), out, buffer(1 << 16, '\0');
  for (std::uint64_t fed = 0; fed <= kGiB; fed += zeros.size()) {
    bool last = fed == kGiB;
    z.next_in = reinterpret_cast<Bytef*>(zeros.data());
    z.avail_in = last ? 0 : static_cast<uInt>(zeros.size());
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer.data());
      z.avail_out = static_cast<uInt>(buffer.size());
      deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
      out.append(buffer.data(), buffer.size() - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

std::string head(std::string_view status_and_headers) {
  return "HTTP/1.1 " + std::string(status_and_headers) + "\r\n\r\n";
}

RouteReply stream(std::string head_bytes, std::string chunk = {}, std::uint64_t chunks = 0,
                  std::uint64_t interval_ms = 0, bool reset_at_end = false) {
  RouteReply reply;
  reply.kind = RouteReply::Kind::kStream;
  reply.stream = {std::move(head_bytes), std::move(chunk), chunks, interval_ms, reset_at_end};
  return reply;
}

// A complete response, sent raw (for heads the serializer would refuse to write).
RouteReply raw(std::string bytes) {
  return stream(std::move(bytes), {}, 1);
}

RouteReply bomb(std::string_view encoding, const std::string& body) {
  return raw(head("200 OK\r\nContent-Type: text/html\r\nContent-Encoding: " +
                  std::string(encoding) + "\r\nContent-Length: " + std::to_string(body.size())) +
             body);
}

RouteReply index_page() {
  std::string body = "<!DOCTYPE html><title>Hostile catalogue</title><ul>";
  for (const auto& route : kCatalogue)
    body += "<li><a href=\"" + std::string(route.path) + "\">" + std::string(route.does) + "</a>";
  body += "</ul>";
  return raw(head("200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                  std::to_string(body.size())) +
             body);
}

RouteReply html_page(std::string body, std::string_view type = "text/html; charset=utf-8") {
  return raw(head("200 OK\r\nContent-Type: " + std::string(type) +
                  "\r\nContent-Length: " + std::to_string(body.size())) +
             body);
}

}  // namespace

const std::vector<HostileRoute>& hostile_catalogue() {
  return kCatalogue;
}

RouteReply route_hostile(std::string_view path) {
  if (path == "/hostile/" || path == "/hostile") return index_page();
  if (path == "/hostile/endless")
    return stream(head("200 OK\r\nContent-Type: text/html\r\nConnection: close"),
                  "<p>" + std::string(64 * 1024 - 3, 'e'));
  if (path == "/hostile/drip-body")
    return stream(head("200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000"), "d", 1000,
                  1000);
  if (path == "/hostile/drip-headers")
    return stream("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n", "X-Drip: 1\r\n", 0, 1000);
  if (path == "/hostile/gzip-bomb") {
    static const std::string gzip = zeros_compressed(15 + 16);
    return bomb("gzip", gzip);
  }
  if (path == "/hostile/deflate-bomb") {
    static const std::string deflate = zeros_compressed(15);
    return bomb("deflate", deflate);
  }
  if (path == "/hostile/many-headers") {
    std::string bytes = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n";
    for (int i = 0; i < 200'000; ++i) bytes += "X-H" + std::to_string(i) + ": v\r\n";
    return raw(bytes + "Content-Length: 2\r\n\r\nok");
  }
  if (path == "/hostile/huge-header")
    return raw("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Huge: " +
               std::string(16 << 20, 'h') + "\r\nContent-Length: 2\r\n\r\nok");
  if (path == "/hostile/million-links") {
    std::string body = "<!DOCTYPE html><title>A million links</title>";
    for (int i = 0; i < 1'000'000; ++i) body += "<a href=/l/" + std::to_string(i) + ">x</a>";
    return html_page(std::move(body));
  }
  if (path == "/hostile/deep-nesting") {
    std::string body = "<!DOCTYPE html><title>Deep</title>";
    for (int i = 0; i < 500'000; ++i) body += "<div>";
    return html_page(body + "bottom");
  }
  if (path == "/hostile/bad-chunked")
    return raw(head("200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked") +
               "5\r\nhello\r\nzz\r\nnot hex\r\n0\r\n\r\n");
  if (path == "/hostile/reset-mid-body")
    return stream(head("200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000"),
                  std::string(1000, 'r'), 1, 0, true);
  if (path == "/hostile/short-body")
    return raw(head("200 OK\r\nContent-Type: text/html\r\nContent-Length: 10000") +
               "<p>only this</p>");
  if (path == "/hostile/redirect-loop")
    return raw(head("302 Found\r\nLocation: /hostile/redirect-loop\r\nContent-Length: 0"));
  if (path == "/hostile/bad-charset")
    return html_page("<title>Bad \xff\xfe charset</title><p>\xc3\x28 \xa0\xa1 \xf0\x28\x8c\x28</p>",
                     "text/html; charset=x-no-such-charset");
  if (path == "/hostile/binary") {
    std::string body(1 << 20, '\0');
    std::uint32_t x = 2463534242u;
    for (auto& c : body) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      c = static_cast<char>(x);
    }
    return html_page(std::move(body), "text/html");
  }
  if (path == "/hostile/http09") return raw("<html><title>0.9</title>no status line</html>\n");
  if (path == "/hostile/internal-redirect")
    return raw(head("302 Found\r\nLocation: http://127.0.0.1:1/secret\r\nContent-Length: 0"));
  if (path == "/hostile/unmatched-end-tags") {
    std::string body = "<!DOCTYPE html><title>Unmatched</title>";
    for (int i = 0; i < 230'000; ++i) body += "<div></x>";
    return html_page(std::move(body));
  }
  if (path == "/hostile/adoption-agency") {
    std::string body = "<!DOCTYPE html><title>Adoption</title>";
    for (int i = 0; i < 2900; ++i) body += "<b x=" + std::to_string(i) + ">";
    for (int i = 0; i < 100'000; ++i) body += "<div>q</b>";
    return html_page(std::move(body));
  }
  if (path == "/hostile/many-attributes") {
    std::string body = "<!DOCTYPE html><title>Attributes</title><div";
    for (int i = 0; i < 100'000; ++i) body += " a" + std::to_string(i) + "=1";
    return html_page(body + "><a href=/hostile/after-attributes>after</a></div>");
  }
  return raw(head("404 Not Found\r\nContent-Length: 0"));
}

}  // namespace crawler::testing
