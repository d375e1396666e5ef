// The loopback test server's thread, uv loop, listener and shared request log.
// Owns: uv_loop_t, the listening uv_tcp_t, the stop uv_async_t (all members, outliving the
// loop), the set of open connections (server thread only) and, under mutex_, the overrides
// and request records. Invariants: only the server thread touches the loop after the
// constructor; stop() joins that thread, which aborts unless uv_loop_close returns 0.
#pragma once

#include <uv.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tests/support/server_connection.hpp"
#include "tests/support/test_server.hpp"

namespace crawler::testing {

/// Implementation of TestServer (see test_server.hpp for the behaviour).
class ServerLoop final : public ConnectionOwner {
 public:
  /// Binds and listens, then starts the server thread. Throws std::runtime_error on failure.
  ServerLoop(std::string host, int port);
  ~ServerLoop();
  ServerLoop(const ServerLoop&) = delete;
  ServerLoop& operator=(const ServerLoop&) = delete;

  int port() const { return port_; }
  /// "host:port", IPv6 hosts in brackets.
  const std::string& authority() const { return authority_; }

  void set_response(std::string path, CannedResponse response);
  std::vector<RequestRecord> requests() const;
  std::size_t request_count() const;
  void stop();

  RouteReply handle(const HttpRequest& request, std::uint64_t connection_id) override;
  void forget(ServerConnection* connection) noexcept override;
  uv_buf_t read_buffer() noexcept override;

 private:
  static void on_connection(uv_stream_t* listener, int status);
  static void on_stop(uv_async_t* async);
  void run() noexcept;
  /// Constructor failure path: close what is open, drain the loop, close it.
  void abandon_loop() noexcept;

  uv_loop_t loop_{};
  uv_tcp_t listener_{};
  uv_async_t stop_async_{};
  std::string authority_;
  int port_ = 0;
  std::mutex stop_mutex_;
  std::thread thread_;

  // Server thread only.
  std::unordered_set<ServerConnection*> connections_;
  std::uint64_t next_connection_id_ = 1;
  std::unique_ptr<char[]> read_buffer_;

  // Shared with user threads.
  mutable std::mutex mutex_;
  std::unordered_map<std::string, CannedResponse> overrides_;
  std::vector<RequestRecord> records_;
};

}  // namespace crawler::testing
