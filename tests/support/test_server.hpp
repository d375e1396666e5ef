// Loopback HTTP/1.1 test server for crawler tests and benchmarks (libuv, own thread and loop).
// Owns nothing global except raising RLIMIT_NOFILE's soft limit to the hard limit.
// Invariants: after stop() (or destruction) no thread, socket, timer or uv handle is left;
// stop() aborts the process if uv_loop_close reports a leaked handle. Every request is
// recorded before it is answered. Nothing here ever touches a non-loopback address by itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/http_response.hpp"  // CannedResponse

namespace crawler::testing {

/// One request the server received (recorded before the reply is sent).
struct RequestRecord {
  std::string method;
  std::string target;       ///< As sent, including any "?query".
  std::string host_header;  ///< "" if absent.
  std::string user_agent;   ///< "" if absent.
  std::chrono::steady_clock::time_point at;
  std::uint64_t connection_id;  ///< Unique per accepted connection, starting at 1.
};

class ServerLoop;

/// A loopback HTTP/1.1 server with canned fault routes.
///
/// Routes (matching ignores "?query"; set_response() registrations take precedence):
/// - `/site/{n}/{p}` (0 <= p < n): synthetic site, `<title>Page {p}</title>`, text containing
///   "page{p}", links (each only when valid) in this order and form:
///     left child  `/site/{n}/{2p+1}`                  (absolute path, if 2p+1 < n)
///     right child `{2p+2}`                            (relative, if 2p+2 < n)
///     parent      `http://{Host}/site/{n}/{(p-1)/2}`  (full URL from the Host header, p > 0)
///     home        `../{n}/0`                          (dot-dot relative)
///   Every page is reachable from page 0; page p sits at depth floor(log2(p+1)).
/// - `/delay/{ms}`: 200 small HTML after ms milliseconds (ms <= 600000, else 400). Requests
///   pipelined behind it wait; the connection stays usable afterwards.
/// - `/status/{code}` (200..599): that code, standard reason phrase, small HTML body (204 and
///   304 have neither body nor Content-Length). Other codes: 404.
/// - `/redirect/{n}`: 302 `Location: /redirect/{n-1}`; `/redirect/0`: 200, title
///   "Redirect target".
/// - `/redirect-loop/a` -> 302 `/redirect-loop/b` -> 302 `/redirect-loop/a`.
/// - `/image.png`: 320 bytes, `Content-Type: image/png`, PNG signature, contains NULs.
/// - `/relative/index.html` (no <base>), links and their resolutions against
///   `http://127.0.0.1:PORT/relative/index.html` (`{Host}` is the request's Host header):
///     `a.html`              -> http://127.0.0.1:PORT/relative/a.html
///     `./b.html`            -> http://127.0.0.1:PORT/relative/b.html
///     `../up.html`          -> http://127.0.0.1:PORT/up.html
///     `sub/c.html`          -> http://127.0.0.1:PORT/relative/sub/c.html
///     `/abs.html`           -> http://127.0.0.1:PORT/abs.html
///     `d.html#frag`         -> http://127.0.0.1:PORT/relative/d.html#frag
///                              (http://127.0.0.1:PORT/relative/d.html once the fragment
///                              is dropped)
///     `?q=1`                -> http://127.0.0.1:PORT/relative/index.html?q=1
///     `mailto:x@y.z`        -> not crawlable (not http/https)
///     `javascript:void(0)`  -> not crawlable
///     `HTTP://{Host}/UPPER/../e.html` -> http://127.0.0.1:PORT/e.html (scheme lower-cased,
///                              dot segments removed)
///     `<area href="area.html">` -> http://127.0.0.1:PORT/relative/area.html
///   All of these targets are 404 on this server.
/// - `/relative/base.html` with `<base href="/other/dir/">`:
///     `x.html`    -> http://127.0.0.1:PORT/other/dir/x.html
///     `../y.html` -> http://127.0.0.1:PORT/other/y.html
/// - `/long-title.html`: a title (and text) of twenty 300-letter words.
/// - `/rtl-title.html`: a title (and text) holding an unclosed U+202E RIGHT-TO-LEFT OVERRIDE.
/// - `/reset`: reads the request, then resets the connection (RST), no bytes sent.
/// - `/truncated`: headers with `Content-Length: 10000`, then 100 body bytes, then FIN.
/// - `/big/{bytes}`: 200 text/html of exactly that many bytes (<= 256 MiB, else 400).
/// - `/hostile/` and the misbehaving responses it links: see hostile_routes.hpp.
/// - anything else: 404.
/// Every response has Content-Length (except the faults above and 204/304) and
/// `Connection: keep-alive`, or `Connection: close` (then the server closes) when the request
/// asked to close (HTTP/1.1 `Connection: close`, or HTTP/1.0 without keep-alive). HEAD gets
/// headers only. Malformed requests get 400, heads over 64 KiB 431, chunked bodies 501, each
/// followed by a close; Content-Length request bodies are read and ignored.
class TestServer {
 public:
  /// Starts listening on host:port (port 0 = ephemeral) and serves on its own thread with its
  /// own uv loop. `host` must be a numeric IPv4 or IPv6 address. Throws std::runtime_error if
  /// it cannot bind.
  explicit TestServer(std::string host = "127.0.0.1", int port = 0);
  /// Calls stop().
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  /// The bound port.
  int port() const;
  /// "http://127.0.0.1:PORT" (IPv6 hosts in brackets).
  std::string base_url() const;
  /// base_url() + path.
  std::string url(std::string_view path) const;

  /// Serve `response` for exact path `path` (query string ignored when matching). Takes
  /// precedence over built-in routes. Thread-safe; may be called while running.
  void set_response(std::string path, CannedResponse response);
  /// Thread-safe snapshot of every request received so far, in arrival order.
  std::vector<RequestRecord> requests() const;
  /// Number of requests received so far. Thread-safe.
  std::size_t request_count() const;

  /// Stops accepting, closes every connection and timer, joins the thread. Aborts if
  /// uv_loop_close fails (a leaked handle is a bug). Idempotent; thread-safe.
  void stop();

 private:
  std::unique_ptr<ServerLoop> loop_;
};

}  // namespace crawler::testing
