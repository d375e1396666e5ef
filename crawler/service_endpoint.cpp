// The HTTP endpoint of `crawler serve`: see service_endpoint.hpp.
#include "crawler/service_endpoint.hpp"

#include <stdexcept>
#include <utility>

#include "crawler/metrics.hpp"

namespace crawler {

namespace {

async::HttpReply answer(CrawlEngine& engine, std::string_view method, std::string_view path) {
  if (method != "GET" && method != "HEAD") return {405, "text/plain; charset=utf-8", "GET only\n"};
  if (path == "/healthz") {
    if (engine.failed()) return {503, "text/plain; charset=utf-8", "database writes failing\n"};
    return {200, "text/plain; charset=utf-8", "ok\n"};
  }
  if (path == "/metrics")
    return {200, "text/plain; version=0.0.4; charset=utf-8",
            prometheus_text(engine.counters(), engine.gauges())};
  if (path == "/status")
    return {200, "application/json", status_json(engine.counters(), engine.gauges())};
  return {404, "text/plain; charset=utf-8", "not found: /healthz /metrics /status\n"};
}

}  // namespace

std::pair<std::string, int> split_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen needs HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::invalid_argument("--listen port out of range");
  return {host, port};
}

async::HttpEndpoint::Handler service_handler(CrawlEngine& engine) {
  return [&engine](std::string_view method, std::string_view path) {
    return answer(engine, method, path);
  };
}

}  // namespace crawler
