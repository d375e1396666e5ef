// The HTTP endpoint of `crawler serve`: /healthz (503 once database writes
// fail), /metrics (Prometheus text), /status (JSON) and the web console (/
// and /api/, docs/console.md), answered on the crawl's own loop; database
// reads for the console run on the thread pool.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/option_table.hpp"
#include "crawler/async/http_endpoint.hpp"
#include "crawler/engine/crawl_engine.hpp"
#include "crawler/service/console_history.hpp"
#include "storage/crawl_reader.hpp"

namespace crawler {

struct ServiceSettings {
  uv_loop_t* loop = nullptr;
  // Read by the console's search and page views, on the thread pool (must
  // be set: serve opens it with open_crawl_reader after the store); a
  // read still running holds it past the endpoint.
  std::shared_ptr<const storage::CrawlReader> reader;
  std::string token;  // empty: none; else actions (and reads, below) need it
  bool token_reads = false;
  bool loopback = true;  // listening on a loopback address only
  // Each option's effective value and where it came from (GET /api/config
  // shows them, secrets masked).
  std::vector<config::OptionSource> configuration = {};
};

/// The endpoint's answers; `engine` and `history` must outlive the endpoint.
async::HttpEndpoint::Handler service_handler(CrawlEngine& engine, const ConsoleHistory& history,
                                             ServiceSettings settings);

/// "HOST:PORT" or "[::1]:PORT" (port 0: any free one) as host and port.
/// Throws std::invalid_argument naming the problem.
std::pair<std::string, int> split_listen(const std::string& listen);

/// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(std::string_view host);
/// True for an IPv4 or IPv6 address (not a name).
bool is_address(std::string_view host);

}  // namespace crawler
