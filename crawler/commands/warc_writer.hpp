// WarcWriter: WARC 1.1 (ISO 28500) records for a crawl: one warcinfo record,
// then a request and a response record per kept exchange, linked by
// WARC-Concurrent-To. The response record carries the body as the client
// decoded it, so its head drops Content-Encoding and Transfer-Encoding and
// states the decoded Content-Length: readers see a consistent message.
#pragma once

#include <cstdint>
#include <ostream>
#include <random>
#include <string>

#include "storage/crawl_queries.hpp"

namespace crawler {

class WarcWriter {
 public:
  explicit WarcWriter(std::ostream& out);

  void warcinfo(const std::string& software, const std::string& database);
  void exchange(const storage::ExportedExchange& exchange);

 private:
  void record(const std::string& type, const std::string& headers, const std::string& block);
  std::string record_id();

  std::ostream& out_;
  std::mt19937_64 random_;
};

/// The response head for the decoded body: hop-by-hop and encoding headers dropped.
std::string decoded_response_head(const std::string& head, std::size_t body_size);

}  // namespace crawler
