// RequestBuilder: see request_builder.hpp.
#include "crawler/admission/request_builder.hpp"

#include <utility>

#include "parsers/robots_txt.hpp"
#include "parsers/sitemap.hpp"

namespace crawler {

RequestBuilder::RequestBuilder(const config::CrawlOptions& options)
    : page_body_bytes_(options.max_body_bytes) {
  common_.user_agent = options.user_agent;
  common_.connect_timeout_ms = options.connect_timeout_ms;
  common_.total_timeout_ms = options.total_timeout_ms;
  common_.low_speed_bytes = options.low_speed_bytes;
  common_.low_speed_time_s = options.low_speed_time_s;
  common_.ca_file = options.ca_file;
  // HTTP/2 multiplexes an origin's fetches; one at a time gains nothing
  // from it, and an idle HTTP/2 connection holds more (bench/README.md).
  common_.http2 = options.http2 == "on" || (options.http2 == "auto" && options.per_host > 1);
}

async::FetchRequest RequestBuilder::build(std::string url, RequestKind kind) const {
  async::FetchRequest request = common_;
  request.url = std::move(url);
  switch (kind) {
    case RequestKind::kPage:
      request.max_body_bytes = page_body_bytes_;
      break;
    case RequestKind::kRobots:
      request.max_body_bytes = parsers::kMaxRobotsBytes;
      break;
    case RequestKind::kSitemap:
      request.max_body_bytes = parsers::kMaxSitemapBytes;
      break;
  }
  return request;
}

}  // namespace crawler
