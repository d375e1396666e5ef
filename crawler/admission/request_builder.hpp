// RequestBuilder: one way to make a request, for every kind the crawl sends
// (pages, robots.txt, sitemaps): the same agent, connect and total
// timeouts, low-speed limit and trusted CAs, and the body cap of its kind. The robots.txt
// requests used to copy these field by field, and had lost the connect and
// low-speed limits on the way.
#pragma once

#include <cstddef>
#include <string>

#include "config/crawl_options.hpp"
#include "crawler/admission/skip_reason.hpp"
#include "crawler/async/fetch.hpp"

namespace crawler {

class RequestBuilder {
 public:
  /// FetchRequest's own defaults (for tests).
  RequestBuilder() = default;
  explicit RequestBuilder(const config::CrawlOptions& options);

  /// A request for `url`; the gate adds the connect check when it sends it.
  async::FetchRequest build(std::string url, RequestKind kind) const;

 private:
  async::FetchRequest common_;
  std::size_t page_body_bytes_ = common_.max_body_bytes;
};

}  // namespace crawler
