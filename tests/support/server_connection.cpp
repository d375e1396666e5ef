// One accepted TCP connection of the loopback test server (see server_connection.hpp).
// Every libuv callback here catches all exceptions and closes the connection instead: no
// exception may cross libuv's C frames. Write requests are heap objects freed in on_write;
// libuv runs cancelled write/shutdown callbacks before the close callbacks, so `this` is alive.
#include "tests/support/server_connection.hpp"

#include <memory>
#include <utility>

namespace crawler::testing {
namespace {

// Bytes a connection may buffer (pipelined requests) while a delayed reply is pending.
constexpr std::size_t kMaxBufferedWhileWaiting = 1024 * 1024;
// How long a connection we are closing waits for the peer's FIN after our own.
constexpr std::uint64_t kLingerMs = 2000;

struct WriteRequest {
  uv_write_t req{};
  std::string bytes;
  bool stream_step = false;  // its completion sends the stream's next piece
};

ServerConnection* connection_of(const void* handle_data) {
  return static_cast<ServerConnection*>(const_cast<void*>(handle_data));
}

CannedResponse error_page(int status) {
  const std::string text = std::to_string(status) + " " + std::string(reason_phrase(status));
  return CannedResponse{status,
                        {{"Content-Type", "text/html; charset=utf-8"}},
                        "<!DOCTYPE html>\n<html><head><title>" + text + "</title></head><body><p>" +
                            text + "</p></body></html>\n"};
}

}  // namespace

ServerConnection* ServerConnection::accept_from(uv_stream_t* listener, ConnectionOwner& owner,
                                                std::uint64_t id) {
  auto* connection = new ServerConnection(owner, id);
  uv_loop_t* loop = listener->loop;
  uv_timer_init(loop, &connection->timer_);  // Cannot fail.
  connection->timer_.data = connection;
  ++connection->open_handles_;
  if (uv_tcp_init(loop, &connection->tcp_) != 0) {
    connection->state_ = State::kClosing;
    uv_close(reinterpret_cast<uv_handle_t*>(&connection->timer_), on_close);
    return nullptr;
  }
  connection->tcp_.data = connection;
  ++connection->open_handles_;
  auto* stream = reinterpret_cast<uv_stream_t*>(&connection->tcp_);
  if (uv_accept(listener, stream) != 0 || uv_read_start(stream, on_alloc, on_read) != 0) {
    connection->close();
    return nullptr;
  }
  uv_tcp_nodelay(&connection->tcp_, 1);
  return connection;
}

void ServerConnection::close() noexcept {
  if (state_ == State::kClosing) return;
  state_ = State::kClosing;
  owner_.forget(this);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_close);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_close);
}

void ServerConnection::reset() noexcept {
  if (state_ == State::kClosing) return;
  state_ = State::kClosing;
  owner_.forget(this);
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  // uv_tcp_close_reset sets SO_LINGER 0 and closes: the peer sees RST, not FIN. It refuses
  // (without closing) if a shutdown is in progress; then fall back to a plain close.
  if (uv_tcp_close_reset(&tcp_, on_close) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), on_close);
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), on_close);
}

void ServerConnection::on_close(uv_handle_t* handle) {
  auto* connection = connection_of(handle->data);
  if (--connection->open_handles_ == 0) delete connection;
}

void ServerConnection::on_alloc(uv_handle_t* handle, size_t /*suggested*/, uv_buf_t* buf) {
  *buf = connection_of(handle->data)->owner_.read_buffer();
}

void ServerConnection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* connection = connection_of(stream->data);
  try {
    connection->handle_read(nread, buf);
  } catch (...) {
    connection->close();
  }
}

void ServerConnection::handle_read(ssize_t nread, const uv_buf_t* buf) {
  if (nread < 0) {  // EOF or error: in every state the peer is gone, so are we.
    close();
    return;
  }
  if (nread == 0 || state_ == State::kFinishing || state_ == State::kClosing) return;
  parser_.feed(std::string_view(buf->base, static_cast<std::size_t>(nread)));
  if (state_ == State::kWaitingDelay) {
    if (parser_.buffered() > kMaxBufferedWhileWaiting) close();
    return;
  }
  process_buffered();
}

void ServerConnection::process_buffered() {
  while (state_ == State::kReading) {
    HttpRequest request;
    switch (parser_.next(request)) {
      case HttpRequestParser::Status::kIncomplete:
        return;
      case HttpRequestParser::Status::kBadRequest:
        answer_error(400);
        return;
      case HttpRequestParser::Status::kTooLarge:
        answer_error(431);
        return;
      case HttpRequestParser::Status::kUnsupportedBody:
        answer_error(501);
        return;
      case HttpRequestParser::Status::kComplete:
        break;
    }
    const bool keep_alive = request.keep_alive();
    const bool head_only = request.method == "HEAD";
    RouteReply reply = owner_.handle(request, id_);
    switch (reply.kind) {
      case RouteReply::Kind::kRespond:
        send(serialize_response(reply.response, keep_alive, head_only), !keep_alive);
        break;
      case RouteReply::Kind::kDelay:
        delayed_bytes_ = serialize_response(reply.response, keep_alive, head_only);
        delayed_close_ = !keep_alive;
        state_ = State::kWaitingDelay;
        // Loop time is cached and truncated to whole ms: refresh it and add 1 ms so the
        // reply never leaves before delay_ms of real time (tests assert "at least").
        uv_update_time(tcp_.loop);
        uv_timer_start(&timer_, on_delay_done, reply.delay_ms == 0 ? 0 : reply.delay_ms + 1, 0);
        break;
      case RouteReply::Kind::kReset:
        reset();
        break;
      case RouteReply::Kind::kTruncate:
        send(serialize_response(reply.response, false, false), true);
        break;
      case RouteReply::Kind::kStream:
        stream_ = std::move(reply.stream);
        state_ = State::kStreaming;
        stream_write(stream_.head);
        break;
    }
  }
}

void ServerConnection::answer_error(int status) {
  send(serialize_response(error_page(status), false, false), true);
}

void ServerConnection::send(std::string bytes, bool then_close) {
  auto write = std::make_unique<WriteRequest>();
  write->bytes = std::move(bytes);
  write->req.data = write.get();
  uv_buf_t buf = uv_buf_init(write->bytes.data(), static_cast<unsigned int>(write->bytes.size()));
  auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_);
  if (uv_write(&write->req, stream, &buf, 1, on_write) != 0) {
    close();
    return;
  }
  write.release();  // Owned by libuv until on_write.
  if (then_close) {
    state_ = State::kFinishing;
    // Half-close after the queued writes, then keep reading (and discarding) until the peer
    // closes, so unread request bytes cannot turn our FIN into an RST that eats the reply.
    if (uv_shutdown(&shutdown_req_, stream, on_shutdown) != 0) close();
  }
}

void ServerConnection::on_write(uv_write_t* req, int status) {
  std::unique_ptr<WriteRequest> write(static_cast<WriteRequest*>(req->data));
  auto* connection = connection_of(req->handle->data);
  if (status < 0) {
    connection->close();
    return;
  }
  if (write->stream_step && connection->state_ == State::kStreaming) {
    try {
      connection->stream_next();
    } catch (...) {
      connection->close();
    }
  }
}

// One piece in flight at a time: an endless body is written only as fast
// as the peer reads it, so the server's memory stays flat.
void ServerConnection::stream_write(const std::string& bytes) {
  auto write = std::make_unique<WriteRequest>();
  write->bytes = bytes;
  write->stream_step = true;
  write->req.data = write.get();
  uv_buf_t buf = uv_buf_init(write->bytes.data(), static_cast<unsigned int>(write->bytes.size()));
  if (uv_write(&write->req, reinterpret_cast<uv_stream_t*>(&tcp_), &buf, 1, on_write) != 0) {
    close();
    return;
  }
  write.release();  // Owned by libuv until on_write.
}

void ServerConnection::stream_next() {
  if (stream_.chunk.empty() || (stream_.chunks != 0 && streamed_chunks_ >= stream_.chunks)) {
    if (stream_.reset_at_end) {
      reset();
      return;
    }
    // Half-close and linger, as send() does after a last reply.
    state_ = State::kFinishing;
    if (uv_shutdown(&shutdown_req_, reinterpret_cast<uv_stream_t*>(&tcp_), on_shutdown) != 0)
      close();
    return;
  }
  ++streamed_chunks_;
  if (stream_.interval_ms == 0) {
    stream_write(stream_.chunk);
  } else {
    uv_timer_start(&timer_, on_stream_timer, stream_.interval_ms, 0);
  }
}

void ServerConnection::on_stream_timer(uv_timer_t* timer) {
  auto* connection = connection_of(timer->data);
  try {
    if (connection->state_ == State::kStreaming)
      connection->stream_write(connection->stream_.chunk);
  } catch (...) {
    connection->close();
  }
}

void ServerConnection::on_shutdown(uv_shutdown_t* req, int status) {
  auto* connection = connection_of(req->handle->data);
  if (status < 0 || connection->state_ != State::kFinishing) {
    connection->close();
    return;
  }
  uv_timer_start(&connection->timer_, on_linger_done, kLingerMs, 0);
}

void ServerConnection::on_linger_done(uv_timer_t* timer) {
  connection_of(timer->data)->close();
}

void ServerConnection::on_delay_done(uv_timer_t* timer) {
  auto* connection = connection_of(timer->data);
  try {
    if (connection->state_ != State::kWaitingDelay) return;
    connection->state_ = State::kReading;
    connection->send(std::move(connection->delayed_bytes_), connection->delayed_close_);
    connection->delayed_bytes_ = std::string();
    connection->process_buffered();
  } catch (...) {
    connection->close();
  }
}

}  // namespace crawler::testing
