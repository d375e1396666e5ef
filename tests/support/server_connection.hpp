// One accepted TCP connection of the loopback test server (server-thread only).
// Owns its uv_tcp_t, a uv_timer_t (delays and lingering close) and its unparsed bytes.
// Invariants: the object deletes itself in the last close callback and nowhere else; once
// close() has run no callback touches the owner; requests are answered strictly in order,
// one at a time (a delayed reply holds back the requests pipelined behind it).
#pragma once

#include <uv.h>

#include <cstdint>
#include <string>

#include "tests/support/builtin_routes.hpp"
#include "tests/support/http_request_parser.hpp"

namespace crawler::testing {

class ServerConnection;

/// What a connection needs from the server that accepted it.
class ConnectionOwner {
 public:
  /// Records the request and decides the reply (overrides first, then built-ins).
  virtual RouteReply handle(const HttpRequest& request, std::uint64_t connection_id) = 0;
  /// The connection has started closing; drop it from the open set. Unknown pointers are ok.
  virtual void forget(ServerConnection* connection) noexcept = 0;
  /// A scratch read buffer shared by all connections (consumed inside the read callback).
  virtual uv_buf_t read_buffer() noexcept = 0;

 protected:
  ~ConnectionOwner() = default;
};

/// A self-owning server-side connection.
class ServerConnection {
 public:
  /// Accepts one pending connection from `listener`. Returns nullptr if that fails (the
  /// half-made object then frees itself through its close callbacks).
  static ServerConnection* accept_from(uv_stream_t* listener, ConnectionOwner& owner,
                                       std::uint64_t id);

  ServerConnection(const ServerConnection&) = delete;
  ServerConnection& operator=(const ServerConnection&) = delete;

  /// Closes both handles (idempotent). Memory is freed in the last close callback.
  void close() noexcept;

 private:
  enum class State { kReading, kWaitingDelay, kStreaming, kFinishing, kClosing };

  ServerConnection(ConnectionOwner& owner, std::uint64_t id) : owner_(owner), id_(id) {}
  ~ServerConnection() = default;

  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_delay_done(uv_timer_t* timer);
  static void on_stream_timer(uv_timer_t* timer);
  static void on_linger_done(uv_timer_t* timer);
  static void on_write(uv_write_t* req, int status);
  static void on_shutdown(uv_shutdown_t* req, int status);
  static void on_close(uv_handle_t* handle);

  void handle_read(ssize_t nread, const uv_buf_t* buf);
  void process_buffered();
  void answer_error(int status);
  /// Queues `bytes`; if `then_close`, half-closes after them and lingers until the peer closes.
  void send(std::string bytes, bool then_close);
  void reset() noexcept;
  /// Sends the next piece of stream_ (see RouteReply::Stream), or ends it.
  void stream_next();
  void stream_write(const std::string& bytes);

  uv_tcp_t tcp_{};
  uv_timer_t timer_{};
  uv_shutdown_t shutdown_req_{};
  ConnectionOwner& owner_;
  std::uint64_t id_;
  HttpRequestParser parser_;
  std::string delayed_bytes_;  ///< Reply held back by a /delay timer.
  bool delayed_close_ = false;
  RouteReply::Stream stream_;  ///< A raw reply in progress (State::kStreaming).
  std::uint64_t streamed_chunks_ = 0;
  State state_ = State::kReading;
  int open_handles_ = 0;
};

}  // namespace crawler::testing
