// Tests for the loopback test server, spoken to through raw blocking POSIX sockets so the
// server is checked independently of libcurl. Each test starts its own TestServer.
// What must stay true: every assertion can fail; nothing waits without a deadline.
#include "tests/support/test_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/ascii.hpp"

namespace crawler::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Response {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (parsers::ascii_iequals(key, name)) return value;
    }
    return std::nullopt;
  }
};

// Parses a status line and headers (ending with the blank line) from `head`.
Response parse_head(const std::string& head) {
  Response response;
  std::size_t pos = head.find("\r\n");
  const std::string status_line = head.substr(0, pos);
  if (status_line.rfind("HTTP/1.1 ", 0) != 0 || status_line.size() < 12) {
    throw std::runtime_error("bad status line: " + status_line);
  }
  response.status = std::stoi(status_line.substr(9, 3));
  response.reason = status_line.size() > 13 ? status_line.substr(13) : "";
  pos += 2;
  while (pos < head.size()) {
    const std::size_t end = head.find("\r\n", pos);
    if (end == pos || end == std::string::npos) break;
    const std::string line = head.substr(pos, end - pos);
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) throw std::runtime_error("bad header: " + line);
    response.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    pos = end + 2;
  }
  return response;
}

// A blocking client socket with a receive timeout, so no test can hang.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
    }
  }
  ~RawClient() { close(); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  void send_all(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) throw std::runtime_error("send failed");
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

  void send_get(std::string_view target, std::string_view extra_headers = "") {
    send_all("GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
             std::string(extra_headers) + "\r\n");
  }

  // Reads one response framed by Content-Length (no Content-Length: empty body).
  Response read_response() {
    std::size_t head_end;
    while ((head_end = buffered_.find("\r\n\r\n")) == std::string::npos) {
      if (!receive_some()) throw std::runtime_error("connection ended inside a head");
    }
    Response response = parse_head(buffered_.substr(0, head_end + 4));
    buffered_.erase(0, head_end + 4);
    const std::size_t length = std::stoul(response.header("Content-Length").value_or("0"));
    while (buffered_.size() < length) {
      if (!receive_some()) throw std::runtime_error("connection ended inside a body");
    }
    response.body = buffered_.substr(0, length);
    buffered_.erase(0, length);
    return response;
  }

  // Reads until EOF or error; returns every byte received. `error` gets errno (0 on EOF).
  std::string read_to_end(int* error = nullptr) {
    int last_error = 0;
    while (true) {
      char chunk[4096];
      const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got > 0) {
        buffered_.append(chunk, static_cast<std::size_t>(got));
        continue;
      }
      if (got < 0) last_error = errno;
      break;
    }
    if (error != nullptr) *error = last_error;
    return std::exchange(buffered_, std::string());
  }

 private:
  bool receive_some() {
    char chunk[65536];
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    buffered_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }

  int fd_ = -1;
  std::string buffered_;
};

Response get(const TestServer& server, std::string_view target,
             std::string_view extra_headers = "") {
  RawClient client(server.port());
  client.send_get(target, extra_headers);
  return client.read_response();
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

template <typename Predicate>
bool wait_until(Predicate predicate, std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = Clock::now() + limit;
  while (!predicate()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST(TestServer, BindsAnEphemeralLoopbackPort) {
  TestServer server;
  EXPECT_GT(server.port(), 0);
  EXPECT_EQ(server.base_url(), "http://127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(server.url("/a?b"), server.base_url() + "/a?b");
}

TEST(TestServer, ThrowsWhenThePortIsTaken) {
  TestServer first;
  EXPECT_THROW(TestServer("127.0.0.1", first.port()), std::runtime_error);
}

TEST(TestServer, ThrowsOnAHostThatIsNotAnAddress) {
  EXPECT_THROW(TestServer("not-an-address"), std::runtime_error);
}

TEST(TestServer, SitePageHasTitleTextAndAllFourLinkForms) {
  TestServer server;
  const Response page = get(server, "/site/10/1");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.header("Connection"), "keep-alive");
  EXPECT_TRUE(contains(page.body, "<title>Page 1</title>")) << page.body;
  EXPECT_TRUE(contains(page.body, "page1 ")) << page.body;
  EXPECT_TRUE(contains(page.body, "href=\"/site/10/3\"")) << page.body;
  EXPECT_TRUE(contains(page.body, "href=\"4\"")) << page.body;
  EXPECT_TRUE(contains(page.body, "href=\"http://127.0.0.1/site/10/0\"")) << page.body;
  EXPECT_TRUE(contains(page.body, "href=\"../10/0\"")) << page.body;
}

TEST(TestServer, SiteLeafHasNoChildLinksAndRootHasNoParent) {
  TestServer server;
  const Response leaf = get(server, "/site/10/9");
  EXPECT_EQ(leaf.status, 200);
  EXPECT_FALSE(contains(leaf.body, "/site/10/19")) << leaf.body;
  EXPECT_FALSE(contains(leaf.body, "href=\"20\"")) << leaf.body;
  EXPECT_TRUE(contains(leaf.body, "href=\"http://127.0.0.1/site/10/4\"")) << leaf.body;

  const Response root = get(server, "/site/10/0");
  EXPECT_FALSE(contains(root.body, "parent")) << root.body;
  EXPECT_TRUE(contains(root.body, "href=\"/site/10/1\"")) << root.body;
  EXPECT_TRUE(contains(root.body, "href=\"2\"")) << root.body;
}

TEST(TestServer, SitePagesOutsideTheSiteAre404) {
  TestServer server;
  EXPECT_EQ(get(server, "/site/10/10").status, 404);
  EXPECT_EQ(get(server, "/site/10/x").status, 404);
  EXPECT_EQ(get(server, "/site/10").status, 404);
  EXPECT_EQ(get(server, "/site/0/0").status, 404);
}

TEST(TestServer, AbsoluteLinksUseTheHostHeader) {
  TestServer server;
  RawClient client(server.port());
  client.send_all("GET /site/4/1?x=y HTTP/1.1\r\nHost: example.test:81\r\n\r\n");
  const Response page = client.read_response();
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "href=\"http://example.test:81/site/4/0\"")) << page.body;
}

TEST(TestServer, RecordsMethodTargetHostAndUserAgent) {
  TestServer server;
  get(server, "/status/200?a=1", "User-Agent: crawler-test/1.0\r\n");
  const auto records = server.requests();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_EQ(records[0].method, "GET");
  EXPECT_EQ(records[0].target, "/status/200?a=1");
  EXPECT_EQ(records[0].host_header, "127.0.0.1");
  EXPECT_EQ(records[0].user_agent, "crawler-test/1.0");
  EXPECT_GE(records[0].connection_id, 1u);
}

TEST(TestServer, KeepAliveRequestsShareOneConnectionId) {
  TestServer server;
  {
    RawClient client(server.port());
    client.send_get("/site/3/0");
    EXPECT_EQ(client.read_response().status, 200);
    client.send_get("/site/3/1");
    EXPECT_EQ(client.read_response().status, 200);
  }
  get(server, "/site/3/2");
  const auto records = server.requests();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].connection_id, records[1].connection_id);
  EXPECT_NE(records[1].connection_id, records[2].connection_id);
}

TEST(TestServer, PipelinedRequestsAreAnsweredInOrder) {
  TestServer server;
  RawClient client(server.port());
  client.send_all(
      "GET /delay/50 HTTP/1.1\r\nHost: a\r\n\r\n"
      "POST /status/201 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
      "GET /redirect/0 HTTP/1.1\r\nHost: a\r\n\r\n");
  EXPECT_EQ(client.read_response().status, 200);
  const Response second = client.read_response();
  EXPECT_EQ(second.status, 201);
  EXPECT_EQ(second.reason, "Created");
  const Response third = client.read_response();
  EXPECT_TRUE(contains(third.body, "<title>Redirect target</title>")) << third.body;
  EXPECT_EQ(server.request_count(), 3u);
}

TEST(TestServer, ConnectionCloseIsHonoured) {
  TestServer server;
  RawClient client(server.port());
  client.send_get("/site/2/0", "Connection: close\r\n");
  const Response page = client.read_response();
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.header("Connection"), "close");
  int error = -1;
  EXPECT_EQ(client.read_to_end(&error), "");
  EXPECT_EQ(error, 0) << "expected a clean EOF";
}

TEST(TestServer, Http10WithoutKeepAliveIsClosed) {
  TestServer server;
  RawClient client(server.port());
  client.send_all("GET /status/200 HTTP/1.0\r\n\r\n");
  EXPECT_EQ(client.read_response().header("Connection"), "close");
  int error = -1;
  EXPECT_EQ(client.read_to_end(&error), "");
  EXPECT_EQ(error, 0);
}

TEST(TestServer, HeadGetsHeadersWithoutBody) {
  TestServer server;
  RawClient client(server.port());
  client.send_all(
      "HEAD /big/1000 HTTP/1.1\r\nHost: a\r\n\r\n"
      "GET /status/200 HTTP/1.1\r\nConnection: close\r\n\r\n");
  // Read both responses raw: the HEAD one announces 1000 bytes but carries none, so the
  // second status line follows its blank line directly.
  const std::string bytes = client.read_to_end();
  EXPECT_TRUE(contains(bytes, "Content-Length: 1000\r\n")) << bytes;
  const auto head_end = bytes.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << bytes;
  EXPECT_EQ(bytes.substr(head_end + 4, 12), "HTTP/1.1 200") << bytes;
}

TEST(TestServer, DelayTakesAtLeastTheRequestedTimeAndKeepsTheConnection) {
  TestServer server;
  RawClient client(server.port());
  const auto start = Clock::now();
  client.send_get("/delay/150");
  const Response delayed = client.read_response();
  EXPECT_GE(Clock::now() - start, 150ms);
  EXPECT_EQ(delayed.status, 200);
  client.send_get("/site/1/0");
  EXPECT_EQ(client.read_response().status, 200);
  const auto records = server.requests();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].connection_id, records[1].connection_id);
}

TEST(TestServer, ClientLeavingDuringADelayIsCleanedUp) {
  TestServer server;
  {
    RawClient client(server.port());
    client.send_get("/delay/300");
    ASSERT_TRUE(wait_until([&] { return server.request_count() == 1; }));
  }
  // Past the delay: a timer left armed on a freed connection would fire now (ASan catches it).
  std::this_thread::sleep_for(450ms);
  EXPECT_EQ(get(server, "/status/200").status, 200);
}

TEST(TestServer, StatusRoutesUseTheCodeAndReason) {
  TestServer server;
  const std::vector<std::pair<int, std::string>> cases = {{200, "OK"},
                                                          {301, "Moved Permanently"},
                                                          {403, "Forbidden"},
                                                          {404, "Not Found"},
                                                          {429, "Too Many Requests"},
                                                          {500, "Internal Server Error"},
                                                          {503, "Service Unavailable"}};
  for (const auto& [code, reason] : cases) {
    const Response response = get(server, "/status/" + std::to_string(code));
    EXPECT_EQ(response.status, code);
    EXPECT_EQ(response.reason, reason);
    EXPECT_TRUE(contains(response.body, std::to_string(code))) << response.body;
  }
  const Response no_content = get(server, "/status/204");
  EXPECT_EQ(no_content.status, 204);
  EXPECT_FALSE(no_content.header("Content-Length").has_value());
  EXPECT_EQ(get(server, "/status/99").status, 404);
  EXPECT_EQ(get(server, "/status/600").status, 404);
}

TEST(TestServer, RedirectChainStepsDownToTheTarget) {
  TestServer server;
  const Response first = get(server, "/redirect/3");
  EXPECT_EQ(first.status, 302);
  EXPECT_EQ(first.header("Location"), "/redirect/2");
  EXPECT_EQ(get(server, "/redirect/1").header("Location"), "/redirect/0");
  const Response target = get(server, "/redirect/0");
  EXPECT_EQ(target.status, 200);
  EXPECT_TRUE(contains(target.body, "<title>Redirect target</title>")) << target.body;
}

TEST(TestServer, RedirectLoopAlternates) {
  TestServer server;
  EXPECT_EQ(get(server, "/redirect-loop/a").header("Location"), "/redirect-loop/b");
  EXPECT_EQ(get(server, "/redirect-loop/b").header("Location"), "/redirect-loop/a");
}

TEST(TestServer, ResetSendsNoBytes) {
  TestServer server;
  RawClient client(server.port());
  client.send_get("/reset");
  int error = -1;
  EXPECT_EQ(client.read_to_end(&error), "");
  EXPECT_EQ(error, ECONNRESET);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(TestServer, TruncatedSendsFewerBytesThanContentLength) {
  TestServer server;
  RawClient client(server.port());
  client.send_get("/truncated");
  const std::string bytes = client.read_to_end();
  const auto head_end = bytes.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << bytes;
  const Response head = parse_head(bytes.substr(0, head_end + 4));
  EXPECT_EQ(head.header("Content-Length"), "10000");
  EXPECT_EQ(bytes.size() - head_end - 4, 100u);
}

TEST(TestServer, BigAndImageBodiesHaveTheRightSizeAndType) {
  TestServer server;
  RawClient client(server.port());
  client.send_get("/big/300000");
  const Response big = client.read_response();
  EXPECT_EQ(big.body.size(), 300000u);
  EXPECT_EQ(big.header("Content-Type"), "text/html; charset=utf-8");
  client.send_get("/image.png");
  const Response image = client.read_response();
  EXPECT_EQ(image.header("Content-Type"), "image/png");
  EXPECT_EQ(image.body.size(), 320u);
  EXPECT_EQ(image.body.substr(1, 3), "PNG");
  EXPECT_NE(image.body.find('\0'), std::string::npos);
}

TEST(TestServer, RelativePagesCarryTheDocumentedLinks) {
  TestServer server;
  const Response index = get(server, "/relative/index.html");
  EXPECT_EQ(index.status, 200);
  for (const char* href :
       {"\"a.html\"", "\"./b.html\"", "\"../up.html\"", "\"sub/c.html\"", "\"/abs.html\"",
        "\"d.html#frag\"", "\"?q=1\"", "\"mailto:x@y.z\"", "\"javascript:void(0)\"",
        "\"HTTP://127.0.0.1/UPPER/../e.html\"", "<area href=\"area.html\""}) {
    EXPECT_TRUE(contains(index.body, href)) << href << " missing in " << index.body;
  }
  EXPECT_FALSE(contains(index.body, "<base"));
  const Response base = get(server, "/relative/base.html");
  EXPECT_TRUE(contains(base.body, "<base href=\"/other/dir/\">")) << base.body;
  EXPECT_TRUE(contains(base.body, "href=\"x.html\"")) << base.body;
  EXPECT_TRUE(contains(base.body, "href=\"../y.html\"")) << base.body;
}

TEST(TestServer, SetResponseOverridesBuiltinsAndIgnoresTheQuery) {
  TestServer server;
  EXPECT_EQ(get(server, "/custom").status, 404);
  server.set_response("/custom", {201, {{"X-Test", "yes"}}, "custom body"});
  server.set_response("/status/500", {200, {}, "not an error"});
  const Response custom = get(server, "/custom?ignored=1");
  EXPECT_EQ(custom.status, 201);
  EXPECT_EQ(custom.header("X-Test"), "yes");
  EXPECT_EQ(custom.body, "custom body");
  EXPECT_EQ(get(server, "/status/500").body, "not an error");
}

TEST(TestServer, MalformedRequestGets400AndClose) {
  TestServer server;
  RawClient client(server.port());
  client.send_all("NONSENSE\r\n\r\n");
  const Response response = client.read_response();
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.header("Connection"), "close");
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(TestServer, ThousandConcurrentDelayedRequestsAreAllAnswered) {
  constexpr int kClients = 1000;
  TestServer server;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(server.port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string request =
      "GET /delay/200 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

  struct Client {
    int fd = -1;
    bool sent = false;
    bool done = false;
    std::string received;
  };
  std::vector<Client> clients(kClients);
  const auto start = Clock::now();
  for (auto& client : clients) {
    client.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ASSERT_GE(client.fd, 0) << std::strerror(errno);
    const int rc = ::connect(client.fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ASSERT_TRUE(rc == 0 || errno == EINPROGRESS) << std::strerror(errno);
  }
  int finished = 0;
  const auto deadline = start + 20s;
  while (finished < kClients && Clock::now() < deadline) {
    std::vector<pollfd> fds;
    std::vector<Client*> owners;
    for (auto& client : clients) {
      if (client.done) continue;
      fds.push_back({client.fd, static_cast<short>(client.sent ? POLLIN : POLLOUT), 0});
      owners.push_back(&client);
    }
    ASSERT_GE(::poll(fds.data(), fds.size(), 100), 0);
    for (std::size_t i = 0; i < fds.size(); ++i) {
      Client& client = *owners[i];
      if (fds[i].revents == 0) continue;
      if (!client.sent) {
        const ssize_t sent = ::send(client.fd, request.data(), request.size(), MSG_NOSIGNAL);
        if (sent == static_cast<ssize_t>(request.size())) {
          client.sent = true;
        } else {
          client.done = true;  // Connect or send failed; counted as unanswered below.
          ++finished;
        }
        continue;
      }
      char chunk[4096];
      const ssize_t got = ::recv(client.fd, chunk, sizeof chunk, 0);
      if (got > 0) {
        client.received.append(chunk, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EAGAIN) {
        client.done = true;
        ++finished;
      }
    }
  }
  const auto elapsed = Clock::now() - start;
  int answered = 0;
  for (auto& client : clients) {
    if (client.received.rfind("HTTP/1.1 200 OK\r\n", 0) == 0 &&
        contains(client.received, "Delayed 200 ms")) {
      ++answered;
    }
    ::close(client.fd);
  }
  EXPECT_EQ(answered, kClients);
  EXPECT_GE(elapsed, 200ms);
  EXPECT_EQ(server.request_count(), static_cast<std::size_t>(kClients));
  std::set<std::uint64_t> ids;
  for (const auto& record : server.requests()) ids.insert(record.connection_id);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kClients));
}

TEST(TestServer, StopClosesEveryConnectionAndIsIdempotent) {
  TestServer server;
  RawClient idle(server.port());
  idle.send_get("/site/1/0");
  EXPECT_EQ(idle.read_response().status, 200);
  RawClient waiting(server.port());
  waiting.send_get("/delay/10000");
  RawClient lingering(server.port());
  lingering.send_get("/status/200", "Connection: close\r\n");
  EXPECT_EQ(lingering.read_response().status, 200);
  RawClient silent(server.port());
  ASSERT_TRUE(wait_until([&] { return server.request_count() == 3; }));

  const auto start = Clock::now();
  server.stop();  // Aborts the process if uv_loop_close finds a handle left.
  EXPECT_LT(Clock::now() - start, 2s);
  server.stop();
  EXPECT_EQ(idle.read_to_end(), "");
  EXPECT_EQ(waiting.read_to_end(), "");
  EXPECT_EQ(silent.read_to_end(), "");
  EXPECT_THROW(RawClient{server.port()}, std::runtime_error);
}

}  // namespace
}  // namespace crawler::testing
