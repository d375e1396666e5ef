// CrawlSummary: what a crawl counted, from its start to now.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <string>

namespace crawler {

struct CrawlSummary {
  std::size_t pages = 0;                       // records written
  std::size_t fetch_errors = 0;                // no HTTP response (refused, timeout, reset, ...)
  std::size_t http_errors = 0;                 // 4xx and 5xx responses
  std::size_t retries = 0;                     // fetches tried again
  std::size_t robots_denied = 0;               // URLs robots.txt disallowed
  std::size_t sitemaps = 0;                    // sitemap documents read
  std::size_t sitemap_urls = 0;                // URLs they added to the frontier
  std::size_t write_failures = 0;              // records the store refused
  std::string write_error;                     // the first refusal's message
  std::size_t fenced = 0;                      // pages left out: another crawler took their host
  std::map<std::string, std::size_t> skipped;  // links not queued, by reason
  std::map<std::string, std::size_t> errors;   // fetch failures by kind
  std::size_t stored_ok = 0;                   // page records without an error
  std::map<std::string, std::size_t> failed;   // page records with one, by error
  std::array<std::size_t, 6> responses{};      // HTTP responses by status class (1xx..5xx)
  std::size_t bytes = 0;                       // body bytes received
  std::size_t robots_unreachable = 0;          // pages given up for want of robots.txt
  std::size_t revisits = 0;                    // stored pages fetched again
  std::size_t revisits_changed = 0;            // ... that had changed
  std::size_t refills = 0;                     // reads of queued URLs back from the database
  double seconds = 0;
  double write_seconds = 0;  // spent in write batches (off the loop thread)
  std::size_t write_batches = 0;
  bool stopped = false;     // ended by stop(), not by running out of work
  std::string fatal_error;  // non-empty: the crawl could not go on

  double pages_per_second() const { return seconds > 0 ? pages / seconds : 0; }
};

}  // namespace crawler
