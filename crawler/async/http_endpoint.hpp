// HttpEndpoint: a minimal HTTP/1.1 server on the crawl's own libuv loop,
// for `serve`'s /healthz, /metrics, /status and its web console. One
// request per connection (answered with Connection: close), request heads
// capped at 8 KiB and bodies at 64 KiB (Content-Length only). Time is
// bounded too: the whole request must arrive within a deadline of the
// connect, and the answer must be taken within another. At most
// `max_connections` are open at once; a newcomer past the cap closes the
// oldest connection still sending its request (else the oldest of all), so
// a crowd of slow or idle clients cannot keep /healthz from answering. The
// handler runs on the loop thread and must not block: it answers at once or
// later, after work done elsewhere, through the Respond it is given. Every
// connection is owned by the endpoint and closed by close(), so the loop
// can close cleanly; an answer that comes after its connection closed is
// dropped.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crawler/async/request_line.hpp"
#include "crawler/async/uv_handle.hpp"

namespace crawler::async {

struct HttpRequest {
  std::string method;
  std::string path;   // the target up to '?', as sent (not decoded)
  std::string query;  // after '?', as sent
  std::vector<std::pair<std::string, std::string>> headers;  // values trimmed
  std::string body;

  /// The value of query parameter `name`, percent- and '+'-decoded; empty when absent.
  std::optional<std::string> param(std::string_view name) const;
  /// The value of the first header field named `name` (any case); empty when absent.
  std::string_view header(std::string_view name) const;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers = {};  // more header fields
};

/// How long and how many; the defaults are serve's.
struct HttpLimits {
  /// The request head, and its body if any, must have arrived this long after the connect.
  long request_timeout_ms = 5'000;
  /// The answer, once started, must have been taken by the client within this.
  long write_timeout_ms = 10'000;
  /// Connections open at once; a newcomer past it closes an older one.
  std::size_t max_connections = 64;
};

class HttpEndpoint {
 public:
  /// Sends the answer; call it once, on the loop thread.
  using Respond = std::function<void(HttpReply)>;
  using Handler = std::function<void(const HttpRequest&, Respond)>;

  /// Listens on host:port (port 0: any free port). Throws std::runtime_error naming the address.
  /// A client slower than `limits` allow is disconnected (HttpLimits).
  HttpEndpoint(uv_loop_t* loop, const std::string& host, int port, Handler handler,
               HttpLimits limits = {});
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;
  ~HttpEndpoint();

  int port() const { return port_; }
  /// Connections open now.
  std::size_t connections() const { return connections_.size(); }
  /// Connections closed so far to make room for a newer one.
  std::size_t evicted() const { return evicted_; }
  /// Stops listening and closes every open connection.
  void close();

 private:
  struct Connection;
  static void on_connection(uv_stream_t* server, int status);
  static void finish(Connection* connection);
  static void arm_deadline(Connection* connection, long ms);
  void make_room();
  void receive(Connection* connection, std::string_view data);
  void answer(std::uint64_t id, const HttpReply& reply);

  uv_loop_t* loop_;
  HttpLimits limits_;
  Handler handler_;
  UvHandle<uv_tcp_t> listener_;
  // By id, which is the order of arrival: the oldest first.
  std::map<std::uint64_t, Connection*> connections_;
  std::uint64_t next_id_ = 0;
  std::size_t evicted_ = 0;
  // Shared with every Respond given out: false once the endpoint is gone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  int port_ = 0;
};

}  // namespace crawler::async
