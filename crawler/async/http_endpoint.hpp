// HttpEndpoint: a minimal HTTP/1.1 server on the crawl's own libuv loop,
// for /healthz, /metrics and /status. One request per connection (answered
// with Connection: close), request heads capped at 8 KiB, a client that
// stays silent disconnected after an idle timeout, at most
// `max_connections` open at once (more are closed as they come), and a handler that
// runs on the loop thread and must not block. Every connection is owned by
// the endpoint and closed by close(), so the loop can close cleanly.
#pragma once

#include <uv.h>

#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "crawler/async/request_line.hpp"
#include "crawler/async/uv_handle.hpp"

namespace crawler::async {

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

class HttpEndpoint {
 public:
  using Handler = std::function<HttpReply(std::string_view method, std::string_view path)>;

  /// Listens on host:port (port 0: any free port). Throws std::runtime_error naming the address.
  /// A client that has not sent its whole request after `idle_timeout_ms` is disconnected.
  /// Past `max_connections` open at once, a new client is closed at once.
  HttpEndpoint(uv_loop_t* loop, const std::string& host, int port, Handler handler,
               long idle_timeout_ms = 10'000, std::size_t max_connections = 64);
  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;
  ~HttpEndpoint();

  int port() const { return port_; }
  /// Connections open now.
  std::size_t connections() const { return connections_.size(); }
  /// Stops listening and closes every open connection.
  void close();

 private:
  struct Connection;
  static void on_connection(uv_stream_t* server, int status);
  static void finish(Connection* connection);
  void respond(Connection* connection, std::string_view data);

  uv_loop_t* loop_;
  long idle_timeout_ms_;
  std::size_t max_connections_;
  Handler handler_;
  UvHandle<uv_tcp_t> listener_;
  std::unordered_set<Connection*> connections_;
  int port_ = 0;
};

}  // namespace crawler::async
