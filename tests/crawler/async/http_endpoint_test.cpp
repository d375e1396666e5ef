#include "crawler/async/http_endpoint.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "crawler/async/sleep.hpp"
#include "tests/crawler/async/co_test.hpp"

namespace crawler::async {
namespace {

using namespace std::chrono_literals;

// A blocking connection to 127.0.0.1:`port` (reads time out after 5 s); -1
// when it cannot connect.
int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// A blocking client on its own thread: the loop serves while it waits.
std::string exchange(int port, const std::string& request) {
  std::string response;
  int fd = connect_to(port);
  if (fd < 0) return response;
  if (!request.empty()) ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  char buffer[1024];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) response.append(buffer, n);
  ::close(fd);
  return response;
}

Task<void> wait_for(uv_loop_t* loop, const std::atomic<bool>& done) {
  for (int i = 0; i < 500 && !done; ++i) co_await sleep_for(loop, 10ms);
}

void hello(const HttpRequest& request, HttpEndpoint::Respond respond) {
  respond({request.path == "/hi" ? 200 : 404, "text/plain", "hello\n"});
}

// Echoes what the endpoint made of the request.
void echo(const HttpRequest& request, HttpEndpoint::Respond respond) {
  respond({200, "text/plain",
           request.method + "|" + request.path + "|" + request.param("q").value_or("-") + "|" +
               std::string(request.header("AUTHORIZATION")) + "|" + request.body});
}

CO_TEST(HttpEndpoint, AnswersAndClosesTheConnection) {
  HttpEndpoint endpoint(loop.get(), "127.0.0.1", 0, &hello);
  std::string get, head, missing;
  std::atomic<bool> done = false;
  std::thread client([&] {
    get = exchange(endpoint.port(), "GET /hi HTTP/1.1\r\nHost: x\r\n\r\n");
    head = exchange(endpoint.port(), "HEAD /hi HTTP/1.1\r\nHost: x\r\n\r\n");
    missing = exchange(endpoint.port(), "GET /nope HTTP/1.1\r\n\r\n");
    done = true;
  });
  co_await wait_for(loop.get(), done);
  client.join();
  EXPECT_EQ(get,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n"
            "Connection: close\r\n\r\nhello\n");
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK")) << head;
  EXPECT_TRUE(head.ends_with("\r\n\r\n")) << "HEAD must get no body: " << head;
  EXPECT_TRUE(missing.starts_with("HTTP/1.1 404")) << missing;
}

CO_TEST(HttpEndpoint, DisconnectsASilentClient) {
  HttpEndpoint endpoint(loop.get(), "127.0.0.1", 0, &hello, {.request_timeout_ms = 100});
  std::string silent;
  std::atomic<bool> done = false;
  auto started = std::chrono::steady_clock::now();
  std::thread client([&] {
    silent = exchange(endpoint.port(), "");  // connects, sends nothing
    done = true;
  });
  co_await wait_for(loop.get(), done);
  client.join();
  EXPECT_EQ(silent, "");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);  // not the client's 5 s timeout
}

// True once the peer has closed `fd` (a read sees the end or a reset),
// waiting at most `limit`; never reads more than it is given.
bool closed_within(int fd, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {  // looks at least once
    char byte;
    ssize_t n = ::recv(fd, &byte, 1, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(5ms);
  }
}

// Each step on the loop side waits for what the endpoint holds, not for time.
Task<void> wait_until(uv_loop_t* loop, const std::function<bool()>& done) {
  for (int i = 0; i < 1000 && !done(); ++i) co_await sleep_for(loop, 5ms);
}

// At the cap, a newcomer is let in and the oldest silent client is closed
// to make room (at once: a read sees the end, not a 5 s timeout).
CO_TEST(HttpEndpoint, ANewcomerPastTheCapClosesTheOldestSilentClient) {
  HttpEndpoint endpoint(loop.get(), "127.0.0.1", 0, &hello, {.max_connections = 4});
  std::vector<int> held;
  std::string after;
  bool oldest_closed = false, others_open = true;
  std::atomic<bool> connected = false, full = false, done = false;
  std::thread client([&] {
    for (int i = 0; i < 4; ++i) held.push_back(connect_to(endpoint.port()));
    connected = true;
    while (!full) std::this_thread::sleep_for(1ms);
    after = exchange(endpoint.port(), "GET /hi HTTP/1.1\r\n\r\n");
    oldest_closed = closed_within(held[0], 3s);
    for (std::size_t i = 1; i < held.size(); ++i) others_open &= !closed_within(held[i], 10ms);
    done = true;
  });
  co_await wait_until(loop.get(), [&] { return connected && endpoint.connections() == 4; });
  EXPECT_EQ(endpoint.connections(), 4u);
  full = true;
  co_await wait_for(loop.get(), done);
  done = true;
  client.join();
  for (int fd : held) ::close(fd);
  EXPECT_TRUE(after.starts_with("HTTP/1.1 200")) << after;
  EXPECT_TRUE(oldest_closed);
  EXPECT_TRUE(others_open);
  EXPECT_EQ(endpoint.evicted(), 1u);
}

// Slowloris: a full house of clients that each trickle a head that never
// ends. /healthz is still answered, each time, at once; the deadline is
// long here so that only the eviction can make room.
CO_TEST(HttpEndpoint, AnswersWhileTheCapIsHeldByClientsTricklingHeads) {
  constexpr std::size_t kCap = 64;
  HttpEndpoint endpoint(loop.get(), "127.0.0.1", 0, &hello,
                        {.request_timeout_ms = 60'000, .max_connections = kCap});
  std::vector<int> slow;
  std::vector<std::string> probes;
  std::chrono::steady_clock::duration slowest{};
  std::atomic<bool> connected = false, full = false, done = false;
  std::thread client([&] {
    for (std::size_t i = 0; i < kCap; ++i) {
      int fd = connect_to(endpoint.port());
      ::send(fd, "GET /hi HTTP/1.1\r\nX-Slow: ", 26, MSG_NOSIGNAL);
      slow.push_back(fd);
    }
    connected = true;
    while (!full) std::this_thread::sleep_for(1ms);
    for (int round = 0; round < 5; ++round) {
      // The slow clients go on trickling, and reconnect when closed.
      for (int& fd : slow) {
        if (closed_within(fd, 0ms)) {
          ::close(fd);
          fd = connect_to(endpoint.port());
          ::send(fd, "GET /hi HTTP/1.1\r\nX-Slow: ", 26, MSG_NOSIGNAL);
        } else {
          ::send(fd, "a", 1, MSG_NOSIGNAL);
        }
      }
      auto started = std::chrono::steady_clock::now();
      probes.push_back(exchange(endpoint.port(), "GET /hi HTTP/1.1\r\n\r\n"));
      slowest = std::max(slowest, std::chrono::steady_clock::now() - started);
    }
    done = true;
  });
  co_await wait_until(loop.get(), [&] { return connected && endpoint.connections() == kCap; });
  EXPECT_EQ(endpoint.connections(), kCap);
  full = true;
  co_await wait_for(loop.get(), done);
  done = true;
  client.join();
  for (int fd : slow) ::close(fd);
  EXPECT_EQ(probes.size(), 5u);
  for (const std::string& probe : probes) EXPECT_TRUE(probe.starts_with("HTTP/1.1 200")) << probe;
  EXPECT_LT(slowest, 2s);
  EXPECT_GE(endpoint.evicted(), 5u);
}

// The deadline runs from the connect: a client that sends half a head and
// then a byte now and then is closed when it passes, not kept alive.
CO_TEST(HttpEndpoint, ClosesAClientThatTricklesHalfAHeadAtItsDeadline) {
  HttpEndpoint endpoint(loop.get(), "127.0.0.1", 0, &hello, {.request_timeout_ms = 400});
  std::string received;
  std::chrono::steady_clock::duration lasted{};
  bool closed = false;
  std::atomic<bool> done = false;
  std::thread client([&] {
    auto started = std::chrono::steady_clock::now();
    int fd = connect_to(endpoint.port());
    ::send(fd, "GET /hi HTTP/1.1\r\nX-Slow: ", 26, MSG_NOSIGNAL);
    while (!closed && std::chrono::steady_clock::now() - started < 4s) {
      ::send(fd, "a", 1, MSG_NOSIGNAL);
      closed = closed_within(fd, 50ms);
    }
    lasted = std::chrono::steady_clock::now() - started;
    ::close(fd);
    done = true;
  });
  co_await wait_for(loop.get(), done);
  client.join();
  EXPECT_TRUE(closed) << "still open after 4 s";
  EXPECT_GE(lasted, 350ms);  // the deadline, not something sooner
  EXPECT_LT(lasted, 3s);
  EXPECT_EQ(endpoint.connections(), 0u);
}

// A client being answered is not the first to go: past the cap, the one
// still sending its request is closed, and the answer still arrives.
CO_TEST(HttpEndpoint, PrefersToCloseAClientStillSendingOverOneBeingAnswered) {
  std::vector<HttpEndpoint::Respond> pending;
  HttpEndpoint endpoint(loop.get(), "127.0.0.1", 0,
                        [&](const HttpRequest& request, HttpEndpoint::Respond respond) {
                          if (request.path == "/late") return pending.push_back(std::move(respond));
                          respond({200, "text/plain", "now\n"});
                        },
                        {.max_connections = 2});
  std::string late, now;
  bool slow_closed = false;
  std::atomic<bool> waiting = false, slow_sent = false, full = false, answered = false,
                    done = false;
  std::thread late_client([&] {
    late = exchange(endpoint.port(), "GET /late HTTP/1.1\r\n\r\n");
    answered = true;
  });
  std::thread client([&] {
    while (!waiting) std::this_thread::sleep_for(1ms);
    int slow = connect_to(endpoint.port());
    ::send(slow, "GET /hi HTTP/1.1\r\n", 18, MSG_NOSIGNAL);
    slow_sent = true;
    while (!full) std::this_thread::sleep_for(1ms);
    now = exchange(endpoint.port(), "GET /now HTTP/1.1\r\n\r\n");
    slow_closed = closed_within(slow, 3s);
    ::close(slow);
    done = true;
  });
  co_await wait_until(loop.get(), [&] { return !pending.empty(); });
  waiting = true;
  co_await wait_until(loop.get(), [&] { return slow_sent && endpoint.connections() == 2; });
  EXPECT_EQ(endpoint.connections(), 2u);
  full = true;
  co_await wait_for(loop.get(), done);
  done = true;
  if (!pending.empty()) pending[0]({200, "text/plain", "late\n"});
  co_await wait_for(loop.get(), answered);
  endpoint.close();  // lets an unanswered client go if the test fails
  client.join();
  late_client.join();
  EXPECT_TRUE(now.ends_with("now\n")) << now;
  EXPECT_TRUE(slow_closed);
  EXPECT_TRUE(late.ends_with("late\n")) << "the client being answered was closed: " << late;
}

// A client that asks and never reads its answer is closed once the write
// deadline passes, though the answer is far more than the socket buffers.
CO_TEST(HttpEndpoint, ClosesAClientThatDoesNotReadItsAnswer) {
  std::string big(32 * 1024 * 1024, 'x');
  HttpEndpoint endpoint(loop.get(), "127.0.0.1", 0,
                        [&](const HttpRequest&, HttpEndpoint::Respond respond) {
                          respond({200, "text/plain", big});
                        },
                        {.write_timeout_ms = 300});
  int fd = -1;
  std::atomic<bool> sent = false;
  std::thread client([&] {
    fd = connect_to(endpoint.port());
    ::send(fd, "GET /big HTTP/1.1\r\n\r\n", 22, MSG_NOSIGNAL);
    sent = true;  // and never reads
  });
  co_await wait_for(loop.get(), sent);
  client.join();
  co_await wait_until(loop.get(), [&] { return endpoint.connections() == 1; });
  auto started = std::chrono::steady_clock::now();
  co_await wait_until(loop.get(), [&] { return endpoint.connections() == 0; });
  auto lasted = std::chrono::steady_clock::now() - started;
  ::close(fd);
  EXPECT_EQ(endpoint.connections(), 0u);
  EXPECT_LT(lasted, 3s);
}

TEST(RequestLine, SplitsHeaderFieldsAfterTheFirstLine) {
  auto fields =
      parse_header_fields("GET / HTTP/1.1\r\nHost:  a:1 \r\nno colon\r\nX-Empty:\r\n\r\n");
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].first, "Host");
  EXPECT_EQ(fields[0].second, "a:1");
  EXPECT_EQ(fields[1].first, "X-Empty");
  EXPECT_EQ(fields[1].second, "");
  EXPECT_TRUE(parse_header_fields("GET / HTTP/1.1").empty());
  // A last line without its CRLF still counts.
  EXPECT_EQ(parse_header_fields("HTTP/1.1 200 OK\r\nA: b").size(), 1u);
}

TEST(RequestLine, TakesTheMethodAndTargetOfAWellFormedLineOnly) {
  auto line = parse_request_line("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_TRUE(line);
  EXPECT_EQ(line->method, "GET");
  EXPECT_EQ(line->target, "/metrics?x=1");
  EXPECT_TRUE(parse_request_line("HEAD / HTTP/1.0\r\n\r\n"));
  for (const char* bad :
       {"GET /\r\n", "GET  / HTTP/1.1\r\n", "G\x01T / HTTP/1.1\r\n", "GET /a\x7f HTTP/1.1\r\n",
        "GET / HTTP/2\r\n", "GET / HTTP/1.1", " / HTTP/1.1\r\n", "GET / HTTP/1.1 extra\r\n"})
    EXPECT_FALSE(parse_request_line(bad)) << bad;
}

CO_TEST(HttpEndpoint, RefusesABadListenAddressNamingIt) {
  bool refused = false;
  try {
    HttpEndpoint endpoint(loop.get(), "not-an-address", 0, &hello);
  } catch (const std::runtime_error& e) {
    refused = std::string(e.what()).find("not-an-address") != std::string::npos;
  }
  EXPECT_TRUE(refused);
  co_return;
}

}  // namespace
}  // namespace crawler::async

namespace crawler::async {
namespace {

CO_TEST(HttpEndpoint, ReadsTheQueryTheAuthorizationAndTheBody) {
  HttpEndpoint endpoint(loop.get(), "127.0.0.1", 0, &echo);
  std::string post, get;
  std::atomic<bool> done = false;
  std::thread client([&] {
    // The body comes in a second packet: the endpoint must wait for it.
    int fd = connect_to(endpoint.port());
    std::string head =
        "POST /api/seeds?q=a+b%26c HTTP/1.1\r\nauthorization:  Bearer s3cret \r\n"
        "Content-Length: 11\r\n\r\n";
    ::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
    std::this_thread::sleep_for(50ms);
    ::send(fd, "hello\nworld", 11, MSG_NOSIGNAL);
    char buffer[1024];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) post.append(buffer, n);
    ::close(fd);
    get = exchange(endpoint.port(), "GET /x HTTP/1.1\r\n\r\n");
    done = true;
  });
  co_await wait_for(loop.get(), done);
  client.join();
  EXPECT_TRUE(post.ends_with("\r\n\r\nPOST|/api/seeds|a b&c|Bearer s3cret|hello\nworld")) << post;
  EXPECT_TRUE(get.ends_with("\r\n\r\nGET|/x|-||")) << get;
}

CO_TEST(HttpEndpoint, RefusesABodyOverItsCap) {
  HttpEndpoint endpoint(loop.get(), "127.0.0.1", 0, &echo);
  std::string reply;
  std::atomic<bool> done = false;
  std::thread client([&] {
    reply = exchange(endpoint.port(), "POST /x HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n");
    done = true;
  });
  co_await wait_for(loop.get(), done);
  client.join();
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 413")) << reply;
}

CO_TEST(HttpEndpoint, AnswersLaterAndDropsAnAnswerForAClosedConnection) {
  std::vector<HttpEndpoint::Respond> pending;
  HttpEndpoint endpoint(loop.get(), "127.0.0.1", 0,
                        [&](const HttpRequest&, HttpEndpoint::Respond respond) {
                          pending.push_back(std::move(respond));
                        });
  std::string reply;
  std::atomic<bool> done = false;
  std::thread client([&] {
    reply = exchange(endpoint.port(), "GET /slow HTTP/1.1\r\n\r\n");
    done = true;
  });
  for (int i = 0; i < 500 && pending.empty(); ++i) co_await sleep_for(loop.get(), 10ms);
  EXPECT_EQ(pending.size(), 1u);
  if (pending.empty()) {
    endpoint.close();
    co_await wait_for(loop.get(), done);
    client.join();
    co_return;
  }
  co_await sleep_for(loop.get(), 20ms);
  EXPECT_FALSE(done) << "answered before the handler responded";
  pending[0]({200, "text/plain", "late\n", {{"X-Extra", "1"}}});
  pending[0]({500, "text/plain", "twice\n"});  // a second answer is ignored
  co_await wait_for(loop.get(), done);
  client.join();
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200 OK")) << reply;
  EXPECT_NE(reply.find("\r\nX-Extra: 1\r\n"), std::string::npos) << reply;
  EXPECT_TRUE(reply.ends_with("late\n")) << reply;
  endpoint.close();
  pending[0]({200, "text/plain", "after close\n"});  // must not crash
}

// A body framed in a way two readers could disagree on is refused.
CO_TEST(HttpEndpoint, RefusesABodyItCannotFrameUnambiguously) {
  HttpEndpoint endpoint(loop.get(), "127.0.0.1", 0, &echo);
  std::vector<std::string> replies;
  std::atomic<bool> done = false;
  std::thread client([&] {
    for (std::string head : {"Content-Length: 5abc", "Content-Length: 2\r\nContent-Length: 2",
                             "Transfer-Encoding: chunked", "Content-Length: -1"})
      replies.push_back(exchange(endpoint.port(), "POST /x HTTP/1.1\r\n" + head + "\r\n\r\nhi"));
    done = true;
  });
  co_await wait_for(loop.get(), done);
  client.join();
  for (const std::string& reply : replies) EXPECT_TRUE(reply.starts_with("HTTP/1.1 400")) << reply;
}

// A client that resets its connection before a late answer: the write
// fails, the process lives on (no SIGPIPE), and the endpoint serves again.
CO_TEST(HttpEndpoint, SurvivesAClientThatResetsBeforeItsAnswer) {
  std::vector<HttpEndpoint::Respond> pending;
  HttpEndpoint endpoint(loop.get(), "127.0.0.1", 0,
                        [&](const HttpRequest& request, HttpEndpoint::Respond respond) {
                          if (request.path == "/late") {
                            pending.push_back(std::move(respond));
                          } else {
                            respond({200, "text/plain", "fine\n"});
                          }
                        });
  std::atomic<bool> sent = false;
  std::thread client([&] {
    int fd = connect_to(endpoint.port());
    std::string request = "GET /late HTTP/1.1\r\n\r\n";
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    linger reset{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    std::this_thread::sleep_for(50ms);
    ::close(fd);  // RST
    sent = true;
  });
  co_await wait_for(loop.get(), sent);
  client.join();
  for (int i = 0; i < 100 && pending.empty(); ++i) co_await sleep_for(loop.get(), 10ms);
  EXPECT_EQ(pending.size(), 1u);
  if (pending.empty()) co_return;
  co_await sleep_for(loop.get(), 20ms);
  pending[0]({200, "text/plain", std::string(256 * 1024, 'x')});  // more than one write
  std::string after;
  std::atomic<bool> done = false;
  std::thread again([&] {
    after = exchange(endpoint.port(), "GET /now HTTP/1.1\r\n\r\n");
    done = true;
  });
  co_await wait_for(loop.get(), done);
  again.join();
  EXPECT_TRUE(after.ends_with("fine\n")) << after;
}

}  // namespace
}  // namespace crawler::async
