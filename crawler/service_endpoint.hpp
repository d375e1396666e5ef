// The HTTP endpoint of `crawler serve`: /healthz (503 once database writes
// fail), /metrics (Prometheus text) and /status (JSON), answered from the
// engine's counters on the crawl's own loop.
#pragma once

#include <string>
#include <utility>

#include "crawler/async/http_endpoint.hpp"
#include "crawler/crawl_engine.hpp"

namespace crawler {

/// The endpoint's answers; `engine` must outlive the endpoint.
async::HttpEndpoint::Handler service_handler(CrawlEngine& engine);

/// "HOST:PORT" or "[::1]:PORT" (port 0: any free one) as host and port.
/// Throws std::invalid_argument naming the problem.
std::pair<std::string, int> split_listen(const std::string& listen);

}  // namespace crawler
