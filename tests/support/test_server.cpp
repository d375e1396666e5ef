// TestServer: the public face of the loopback test server; all work is in ServerLoop.
// Invariant: loop_ is never null between construction and destruction.
#include "tests/support/test_server.hpp"

#include "tests/support/server_loop.hpp"

namespace crawler::testing {

TestServer::TestServer(std::string host, int port)
    : loop_(std::make_unique<ServerLoop>(std::move(host), port)) {}

TestServer::~TestServer() {
  stop();
}

int TestServer::port() const {
  return loop_->port();
}

std::string TestServer::base_url() const {
  return "http://" + loop_->authority();
}

std::string TestServer::url(std::string_view path) const {
  return base_url() + std::string(path);
}

void TestServer::set_response(std::string path, CannedResponse response) {
  loop_->set_response(std::move(path), std::move(response));
}

std::vector<RequestRecord> TestServer::requests() const {
  return loop_->requests();
}

std::size_t TestServer::request_count() const {
  return loop_->request_count();
}

void TestServer::stop() {
  loop_->stop();
}

}  // namespace crawler::testing
