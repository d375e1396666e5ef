// HttpEndpoint: a minimal HTTP/1.1 server on the crawl's own libuv loop,
// for `serve`'s /healthz, /metrics, /status and its web console. One
// request per connection (answered with Connection: close), request heads
// capped at 8 KiB and bodies at 64 KiB (Content-Length only), a client that
// stays silent disconnected after an idle timeout, at most `max_connections`
// open at once (more are closed as they come). The handler runs on the
// loop thread and must not block: it answers at once or later, after work
// done elsewhere, through the Respond it is given. Every connection is owned
// by the endpoint and closed by close(), so the loop can close cleanly; an
// answer that comes after its connection closed is dropped.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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

class HttpEndpoint {
 public:
  /// Sends the answer; call it once, on the loop thread.
  using Respond = std::function<void(HttpReply)>;
  using Handler = std::function<void(const HttpRequest&, Respond)>;

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
  void receive(Connection* connection, std::string_view data);
  void answer(std::uint64_t id, const HttpReply& reply);

  uv_loop_t* loop_;
  long idle_timeout_ms_;
  std::size_t max_connections_;
  Handler handler_;
  UvHandle<uv_tcp_t> listener_;
  std::unordered_map<std::uint64_t, Connection*> connections_;
  std::uint64_t next_id_ = 0;
  // Shared with every Respond given out: false once the endpoint is gone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  int port_ = 0;
};

}  // namespace crawler::async
