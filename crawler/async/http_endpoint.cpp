// HttpEndpoint: see http_endpoint.hpp.
#include "crawler/async/http_endpoint.hpp"

#include <algorithm>
#include <charconv>
#include <csignal>
#include <new>
#include <stdexcept>

#include "parsers/ascii.hpp"
#include "parsers/url_encoding.hpp"

namespace crawler::async {

namespace {
constexpr std::size_t kMaxHead = 8 * 1024;
constexpr std::size_t kMaxBody = 64 * 1024;

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Content Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

constexpr std::size_t kBadLength = static_cast<std::size_t>(-1);

// The body's length by its Content-Length; kBadLength when the head frames
// the body in a way this server does not take (chunked, two lengths, not a
// number), so that no two readers could disagree on where it ends.
std::size_t body_length(const HttpRequest& request) {
  std::size_t lengths = 0;
  for (const auto& [name, value] : request.headers) {
    if (parsers::ascii_iequals(name, "Transfer-Encoding")) return kBadLength;
    lengths += parsers::ascii_iequals(name, "Content-Length");
  }
  if (lengths == 0) return 0;
  std::string_view text = request.header("Content-Length");
  std::size_t length = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
  if (lengths > 1 || ec != std::errc{} || end != text.data() + text.size()) return kBadLength;
  return length;
}

HttpReply plain(int status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body)};
}
}  // namespace

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [field, value] : headers)
    if (parsers::ascii_iequals(field, name)) return value;
  return {};
}

std::optional<std::string> HttpRequest::param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    std::size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    std::string value(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    for (char& c : value)
      if (c == '+') c = ' ';
    return parsers::percent_decode(value);
  }
  return std::nullopt;
}

// One accepted client: reads the request, writes the reply, closes. Two
// handles: the socket and a deadline timer, armed first for the request
// and then for the answer's write, that closes a client too slow for
// either. Freed when both have closed.
struct HttpEndpoint::Connection {
  HttpEndpoint* owner = nullptr;
  std::uint64_t id = 0;
  uv_tcp_t tcp{};
  uv_timer_t deadline{};
  uv_write_t write{};
  std::string received;
  std::size_t head_size = 0;  // with its blank line; 0 until complete
  HttpRequest request;        // its header fields once the head is complete
  std::size_t body_size = 0;
  std::string reply;
  bool request_done = false;  // the whole request is in (or was refused): no longer reading
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
    if (has_timer) uv_close(reinterpret_cast<uv_handle_t*>(&deadline), closed);
  }
};

HttpEndpoint::HttpEndpoint(uv_loop_t* loop, const std::string& host, int port, Handler handler,
                           HttpLimits limits)
    : loop_(loop),
      limits_(limits),
      handler_(std::move(handler)),
      listener_(UvHandle<uv_tcp_t>::open([loop](uv_tcp_t* t) { return uv_tcp_init(loop, t); })) {
  sockaddr_storage address{};
  std::string where = host + ":" + std::to_string(port);
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&address)) != 0 &&
      uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&address)) != 0)
    throw std::runtime_error("bad listen address '" + where + "'");
  listener_.get()->data = this;
  // libuv writes with write(2): a client that resets its connection before
  // its answer is written would otherwise kill the process with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
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
  *alive_ = false;
}

void HttpEndpoint::close() {
  listener_.close();
  for (auto& [id, connection] : connections_) {
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
  connection->id = ++self->next_id_;
  if (uv_tcp_init(self->loop_, &connection->tcp) != 0) {
    delete connection;  // never known to the loop
    return;
  }
  connection->tcp.data = connection;
  connection->open_handles = 1;
  // A client without a deadline is not served: it could stay for ever. One
  // that cannot be accepted is closed at once (left pending, libuv would
  // report it again and again).
  bool timed = uv_timer_init(self->loop_, &connection->deadline) == 0;
  if (timed) {
    connection->deadline.data = connection;
    connection->open_handles = 2;
  }
  if (!timed || uv_accept(server, reinterpret_cast<uv_stream_t*>(&connection->tcp)) != 0) {
    connection->close();
    return;
  }
  if (self->connections_.size() >= self->limits_.max_connections) self->make_room();
  if (self->connections_.size() >= self->limits_.max_connections) {
    connection->close();  // a cap of 0: nothing to make room in
    return;
  }
  try {
    self->connections_.emplace(connection->id, connection);
  } catch (...) {
    connection->close();
    return;
  }
  // The whole request, head and body, is due this long after the connect,
  // however the client spreads its bytes: a trickle does not renew it.
  arm_deadline(connection, self->limits_.request_timeout_ms);
  int reading = uv_read_start(
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
          connection->owner->receive(connection, std::string_view(buf->base, n));
        } catch (...) {
          finish(connection);  // nothing may cross the C frame
        }
      });
  if (reading != 0) finish(connection);
}

// Past the cap, the newcomer stays and an older connection goes: the oldest
// still sending its request (idle or slow, it had the longest to finish),
// else the oldest being answered. So a probe is never turned away at the
// door, and it is answered in the loop turn its head arrives unless
// `max_connections` newer clients connect before that. Bounded: one pass
// over at most max_connections entries.
void HttpEndpoint::make_room() {
  Connection* victim = nullptr;
  for (const auto& [id, connection] : connections_) {
    if (!connection->request_done) {
      victim = connection;
      break;
    }
  }
  if (!victim && !connections_.empty()) victim = connections_.begin()->second;
  if (!victim) return;
  ++evicted_;
  finish(victim);
}

void HttpEndpoint::receive(Connection* connection, std::string_view data) {
  connection->received.append(data);
  std::string_view received = connection->received;
  if (connection->head_size == 0) {
    std::size_t end = received.find("\r\n\r\n");
    if (end == std::string_view::npos) {
      if (received.size() < kMaxHead) return;
      end = kMaxHead;  // too long: answered 400 below
    }
    connection->head_size = end + 4;
    for (auto [name, value] : parse_header_fields(received.substr(0, end + 2)))
      connection->request.headers.emplace_back(name, value);
    connection->body_size = body_length(connection->request);
  }
  // A head too long, or a body too long or badly framed, is answered at once.
  bool refused = connection->head_size > kMaxHead || connection->body_size > kMaxBody;
  if (!refused && received.size() < connection->head_size + connection->body_size) return;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&connection->tcp));
  // The client is done; a handler that answers later is not its slowness.
  connection->request_done = true;
  uv_timer_stop(&connection->deadline);

  std::string_view head = received.substr(0, std::min(received.size(), connection->head_size));
  auto line = connection->head_size > kMaxHead ? std::nullopt : parse_request_line(head);
  if (!line || connection->body_size == kBadLength)
    return answer(connection->id, plain(400, "bad request\n"));
  if (connection->body_size > kMaxBody) return answer(connection->id, plain(413, "too large\n"));
  HttpRequest request = std::move(connection->request);
  request.method = line->method;
  std::string_view target = line->target;
  std::size_t question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string_view::npos) request.query = target.substr(question + 1);
  request.body = received.substr(connection->head_size, connection->body_size);

  std::uint64_t id = connection->id;
  Respond respond = [this, alive = alive_, id](HttpReply reply) {
    if (*alive) answer(id, reply);
  };
  try {
    handler_(request, std::move(respond));
  } catch (const std::exception& e) {
    answer(id, plain(503, std::string(e.what()) + "\n"));
  }
}

void HttpEndpoint::answer(std::uint64_t id, const HttpReply& reply) {
  auto found = connections_.find(id);
  if (found == connections_.end()) return;  // closed meanwhile
  Connection* connection = found->second;
  if (!connection->reply.empty()) return;  // answered already
  // Same headers, no body (RFC 9110 9.3.2).
  bool head_only = connection->received.starts_with("HEAD ");
  std::string& out = connection->reply;
  out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) +
        "\r\nContent-Type: " + reply.content_type;
  // A 304 has no content, and its Content-Length would describe the
  // representation it stands for (RFC 9110 15.4.5, 8.6): none is sent.
  if (reply.status != 304) out += "\r\nContent-Length: " + std::to_string(reply.body.size());
  for (const auto& [name, value] : reply.headers) out += "\r\n" + name + ": " + value;
  out += "\r\nConnection: close\r\n\r\n";
  if (!head_only && reply.status != 304) out += reply.body;
  uv_buf_t buffer = uv_buf_init(out.data(), static_cast<unsigned>(out.size()));
  connection->write.data = connection;
  // A client that does not read its answer would hold its place for ever.
  arm_deadline(connection, limits_.write_timeout_ms);
  if (uv_write(&connection->write, reinterpret_cast<uv_stream_t*>(&connection->tcp), &buffer, 1,
               [](uv_write_t* w, int) { finish(static_cast<Connection*>(w->data)); }) != 0)
    finish(connection);
}

void HttpEndpoint::arm_deadline(Connection* connection, long ms) {
  uv_timer_start(
      &connection->deadline, [](uv_timer_t* t) { finish(static_cast<Connection*>(t->data)); },
      static_cast<std::uint64_t>(std::max(ms, 0L)), 0);
}

void HttpEndpoint::finish(Connection* connection) {
  if (connection->owner) {
    connection->owner->connections_.erase(connection->id);
    // A closing connection's write is cancelled later, its callback calls
    // here again, and by then the endpoint may be gone.
    connection->owner = nullptr;
  }
  connection->close();
}

}  // namespace crawler::async
