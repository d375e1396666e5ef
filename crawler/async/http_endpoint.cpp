// HttpEndpoint: see http_endpoint.hpp.
#include "crawler/async/http_endpoint.hpp"

#include <new>
#include <stdexcept>

namespace crawler::async {

namespace {
constexpr std::size_t kMaxHead = 8 * 1024;

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}
}  // namespace

// One accepted client: reads the head, writes the reply, closes. Lives until
// the close callback of its TCP handle.
// Two handles: the socket and an idle timer that closes a client which
// does not finish its request in time. Freed when both have closed.
struct HttpEndpoint::Connection {
  HttpEndpoint* owner = nullptr;
  uv_tcp_t tcp{};
  uv_timer_t idle{};
  uv_write_t write{};
  std::string head;
  std::string reply;
  int open_handles = 0;
  bool closing = false;

  void close() {
    if (closing) return;
    closing = true;
    auto closed = [](uv_handle_t* h) {
      auto* self = static_cast<Connection*>(h->data);
      if (--self->open_handles == 0) delete self;
    };
    bool has_timer = open_handles == 2;  // no close callback has run yet
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp), closed);
    if (has_timer) uv_close(reinterpret_cast<uv_handle_t*>(&idle), closed);
  }
};

HttpEndpoint::HttpEndpoint(uv_loop_t* loop, const std::string& host, int port, Handler handler,
                           long idle_timeout_ms, std::size_t max_connections)
    : loop_(loop),
      idle_timeout_ms_(idle_timeout_ms),
      max_connections_(max_connections),
      handler_(std::move(handler)),
      listener_(UvHandle<uv_tcp_t>::open([loop](uv_tcp_t* t) { return uv_tcp_init(loop, t); })) {
  sockaddr_storage address{};
  std::string where = host + ":" + std::to_string(port);
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&address)) != 0 &&
      uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&address)) != 0)
    throw std::runtime_error("bad listen address '" + where + "'");
  listener_.get()->data = this;
  if (int rc = uv_tcp_bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), 0);
      rc != 0 || (rc = uv_listen(reinterpret_cast<uv_stream_t*>(listener_.get()), 128,
                                 &HttpEndpoint::on_connection)) != 0)
    throw std::runtime_error("cannot listen on " + where + ": " + uv_strerror(rc));
  sockaddr_storage bound{};
  int length = sizeof bound;
  uv_tcp_getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&bound), &length);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                            : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
}

HttpEndpoint::~HttpEndpoint() {
  close();
}

void HttpEndpoint::close() {
  listener_.close();
  for (Connection* connection : connections_) {
    connection->owner = nullptr;  // its callbacks may still run after we are gone
    connection->close();
  }
  connections_.clear();
}

void HttpEndpoint::on_connection(uv_stream_t* server, int status) {
  auto* self = static_cast<HttpEndpoint*>(server->data);
  if (status < 0) return;
  auto* connection = new (std::nothrow) Connection;
  if (!connection) return;
  connection->owner = self;
  if (uv_tcp_init(self->loop_, &connection->tcp) != 0) {
    delete connection;  // never known to the loop
    return;
  }
  connection->tcp.data = connection;
  connection->open_handles = 1;
  if (uv_timer_init(self->loop_, &connection->idle) == 0) {
    connection->idle.data = connection;
    connection->open_handles = 2;
    uv_timer_start(
        &connection->idle, [](uv_timer_t* t) { finish(static_cast<Connection*>(t->data)); },
        static_cast<std::uint64_t>(self->idle_timeout_ms_), 0);
  }
  // Past the cap a client is accepted only to be closed: left pending, it
  // would make libuv report it again and again.
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&connection->tcp)) != 0 ||
      self->connections_.size() >= self->max_connections_) {
    connection->close();
    return;
  }
  try {
    self->connections_.insert(connection);
  } catch (...) {
    connection->close();
    return;
  }
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&connection->tcp),
      [](uv_handle_t*, size_t, uv_buf_t* buf) {
        static thread_local char buffer[4096];
        *buf = uv_buf_init(buffer, sizeof buffer);
      },
      [](uv_stream_t* stream, ssize_t n, const uv_buf_t* buf) {
        auto* connection = static_cast<Connection*>(stream->data);
        if (n < 0 || !connection->owner) {
          finish(connection);
          return;
        }
        try {
          connection->owner->respond(connection, std::string_view(buf->base, n));
        } catch (...) {
          finish(connection);  // nothing may cross the C frame
        }
      });
}

void HttpEndpoint::respond(Connection* connection, std::string_view data) {
  uv_stream_t* stream = reinterpret_cast<uv_stream_t*>(&connection->tcp);
  connection->head.append(data);
  if (connection->head.find("\r\n\r\n") == std::string::npos && connection->head.size() < kMaxHead)
    return;
  uv_read_stop(stream);
  HttpReply reply;
  auto request =
      connection->head.size() >= kMaxHead ? std::nullopt : parse_request_line(connection->head);
  if (!request) {
    reply = {400, "text/plain; charset=utf-8", "bad request\n"};
  } else {
    try {
      reply = handler_(request->method, request->target);
    } catch (const std::exception& e) {
      reply = {503, "text/plain; charset=utf-8", std::string(e.what()) + "\n"};
    }
  }
  // Same headers, no body (RFC 9110 9.3.2).
  bool head_only = request && request->method == "HEAD";
  connection->reply = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) +
                      "\r\nContent-Type: " + reply.content_type +
                      "\r\nContent-Length: " + std::to_string(reply.body.size()) +
                      "\r\nConnection: close\r\n\r\n" + (head_only ? "" : reply.body);
  uv_buf_t out =
      uv_buf_init(connection->reply.data(), static_cast<unsigned>(connection->reply.size()));
  connection->write.data = connection;
  if (uv_write(&connection->write, stream, &out, 1,
               [](uv_write_t* w, int) { finish(static_cast<Connection*>(w->data)); }) != 0)
    finish(connection);
}

void HttpEndpoint::finish(Connection* connection) {
  if (connection->owner) connection->owner->connections_.erase(connection);
  connection->close();
}

}  // namespace crawler::async
