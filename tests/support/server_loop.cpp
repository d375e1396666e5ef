// The loopback test server's thread, loop and listener (see server_loop.hpp).
// Callbacks catch every exception (none may cross libuv's C frames). Listener and async
// handles are members and need no free in their close callbacks; connections free themselves.
// The backlog asks for 8192; the kernel silently caps it at net.core.somaxconn.
#include "tests/support/server_loop.hpp"

#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>

namespace crawler::testing {
namespace {

constexpr int kBacklog = 8192;
constexpr std::size_t kReadBufferBytes = 64 * 1024;

// Thousands of concurrent connections need thousands of descriptors.
void raise_descriptor_limit() noexcept {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);  // Best effort (an infinite hard limit may be refused).
}

std::string uv_message(const char* what, int code) {
  return std::string("TestServer: ") + what + ": " + uv_strerror(code);
}

}  // namespace

ServerLoop::ServerLoop(std::string host, int port)
    : read_buffer_(std::make_unique<char[]>(kReadBufferBytes)) {
  raise_descriptor_limit();
  if (port < 0 || port > 65535) throw std::runtime_error("TestServer: bad port");
  sockaddr_storage address{};
  const bool ipv6 = host.find(':') != std::string::npos;
  const int parsed =
      ipv6 ? uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&address))
           : uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&address));
  if (parsed != 0)
    throw std::runtime_error(uv_message(("bad host '" + host + "'").c_str(), parsed));

  if (int rc = uv_loop_init(&loop_); rc != 0) throw std::runtime_error(uv_message("loop", rc));
  uv_async_init(&loop_, &stop_async_, on_stop);
  stop_async_.data = this;
  uv_tcp_init(&loop_, &listener_);
  listener_.data = this;

  int rc = uv_tcp_bind(&listener_, reinterpret_cast<const sockaddr*>(&address), 0);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), kBacklog, on_connection);
  if (rc == 0) {
    int length = sizeof(address);
    rc = uv_tcp_getsockname(&listener_, reinterpret_cast<sockaddr*>(&address), &length);
  }
  if (rc != 0) {
    abandon_loop();
    throw std::runtime_error(
        uv_message(("cannot listen on " + host + ":" + std::to_string(port)).c_str(), rc));
  }
  port_ = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
                     : reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  authority_ = (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port_);
  try {
    thread_ = std::thread([this] { run(); });
  } catch (...) {
    abandon_loop();
    throw;
  }
}

ServerLoop::~ServerLoop() {
  stop();
}

void ServerLoop::abandon_loop() noexcept {
  uv_close(reinterpret_cast<uv_handle_t*>(&listener_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&stop_async_), nullptr);
  uv_run(&loop_, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop_) != 0) std::abort();
}

void ServerLoop::run() noexcept {
  // A write to a peer that has gone raises SIGPIPE in the writing thread; blocked here, the
  // write just fails with EPIPE and the connection closes. Other threads are unaffected.
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);

  uv_run(&loop_, UV_RUN_DEFAULT);
  if (const int rc = uv_loop_close(&loop_); rc != 0) {
    std::fprintf(stderr, "TestServer: uv_loop_close: %s; handles left:\n", uv_strerror(rc));
    uv_print_all_handles(&loop_, stderr);
    std::abort();
  }
}

void ServerLoop::stop() {
  std::lock_guard lock(stop_mutex_);
  if (!thread_.joinable()) return;
  uv_async_send(&stop_async_);
  thread_.join();
}

void ServerLoop::on_stop(uv_async_t* async) {
  auto* self = static_cast<ServerLoop*>(async->data);
  uv_close(reinterpret_cast<uv_handle_t*>(&self->listener_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&self->stop_async_), nullptr);
  // close() erases from connections_, so drain it rather than iterate it.
  while (!self->connections_.empty()) (*self->connections_.begin())->close();
}

void ServerLoop::on_connection(uv_stream_t* listener, int status) {
  if (status < 0) return;  // e.g. EMFILE; libuv keeps listening.
  auto* self = static_cast<ServerLoop*>(listener->data);
  ServerConnection* connection = nullptr;
  try {
    connection = ServerConnection::accept_from(listener, *self, self->next_connection_id_++);
    if (connection != nullptr) self->connections_.insert(connection);
  } catch (...) {
    if (connection != nullptr) connection->close();
  }
}

void ServerLoop::forget(ServerConnection* connection) noexcept {
  connections_.erase(connection);
}

uv_buf_t ServerLoop::read_buffer() noexcept {
  return uv_buf_init(read_buffer_.get(), static_cast<unsigned int>(kReadBufferBytes));
}

RouteReply ServerLoop::handle(const HttpRequest& request, std::uint64_t connection_id) {
  RequestRecord record{request.method,
                       request.target,
                       std::string(request.header("Host")),
                       std::string(request.header("User-Agent")),
                       std::chrono::steady_clock::now(),
                       connection_id};
  const std::string path(request.path());
  std::optional<CannedResponse> canned;
  {
    std::lock_guard lock(mutex_);
    records_.push_back(std::move(record));
    if (auto it = overrides_.find(path); it != overrides_.end()) canned = it->second;
  }
  if (canned) return RouteReply{RouteReply::Kind::kRespond, std::move(*canned), 0};
  const auto host = request.header("Host");
  return route_builtin(path, host.empty() ? std::string_view(authority_) : host);
}

void ServerLoop::set_response(std::string path, CannedResponse response) {
  path.erase(std::min(path.find('?'), path.size()));  // Matching ignores queries.
  std::lock_guard lock(mutex_);
  overrides_.insert_or_assign(std::move(path), std::move(response));
}

std::vector<RequestRecord> ServerLoop::requests() const {
  std::lock_guard lock(mutex_);
  return records_;
}

std::size_t ServerLoop::request_count() const {
  std::lock_guard lock(mutex_);
  return records_.size();
}

}  // namespace crawler::testing
