// CrawlOptions: every setting of a crawl or serve, with its default. Flags,
// the config file and the environment fill it through one table
// (option_table.hpp), so the engine never knows where a value came from. Defaults are
// the polite ones: one fetch at a time per host, a second between them,
// robots.txt obeyed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace crawler::config {

struct CrawlOptions {
  std::string seeds_path;
  std::string db_path;

  // Limits.
  std::size_t concurrency = 64;  // fetches in flight over all hosts
  std::optional<std::size_t> max_pages;
  std::optional<int> max_depth;  // 0: the seeds only
  // Memory: queued URLs held in memory, over all hosts and per host; the
  // rest wait in the database and are read back as the window empties.
  std::size_t frontier_memory_urls = 100'000;
  std::size_t host_window = 1'000;
  // The seen test's memory, in MiB: exact up to ~5 million URLs per 64 MiB,
  // then a filter whose "perhaps seen" answers the database settles. 0: the
  // smallest there is (8 KiB; for tests).
  std::size_t seen_memory_mb = 64;

  // Politeness.
  std::size_t per_host = 1;  // fetches in flight per host
  long delay_ms = 1000;      // between starts of fetches on one host
  // Per server address (IP), whatever the names on it; unset: derived from
  // the per-origin settings so that they never slow one origin down (see
  // docs/politeness.md): in flight max(4, per_host); starts per second
  // max(4, 1 / delay), none with delay 0.
  std::optional<std::size_t> per_address;
  std::optional<std::size_t> per_address_rate;
  bool obey_robots = true;
  long max_crawl_delay_ms = 30'000;  // cap on a robots.txt Crawl-delay
  std::string user_agent = "crawler/0.1 (+https://github.com/crawler/crawler)";

  // Failures.
  int max_retries = 2;            // further tries after a network error, 5xx or 429
  long backoff_base_ms = 1000;    // first back-off of a failing host
  long backoff_cap_ms = 600'000;  // longest back-off
  long robots_retry_ms = 60'000;  // asking again for an unreachable robots.txt
  long grace_ms = 10'000;         // on SIGTERM/SIGINT: time left to fetches in flight
  long db_outage_ms = 600'000;    // the database out of reach or locked this long: stop, exit 1

  // A fleet (crawlers sharing one PostgreSQL database) leases hosts: how
  // long a lease lasts unrenewed (a dead crawler's hosts are taken over
  // after it), and how many origins one crawler holds at once.
  long lease_ms = 30'000;
  std::size_t lease_hosts = 1'000;

  // Transfers.
  long connect_timeout_ms = 10'000;
  long total_timeout_ms = 30'000;
  long parse_budget_ms = 1000;  // CPU time of one page's HTML parse
  long low_speed_bytes = 100;   // abort below this many bytes/s ...
  long low_speed_time_s = 30;   // ... sustained this long
  std::size_t max_body_bytes = 10 * 1024 * 1024;
  int max_redirects = 10;
  bool follow_nofollow = false;  // follow rel=nofollow links too
  bool use_sitemaps = true;      // robots.txt Sitemap: lines (/sitemap.xml without robots.txt)
  bool search_index = true;      // add pages to the full-text index as they are stored
  bool keep_raw = false;         // keep raw exchanges (compressed) for WARC export
  // "HOST:PORT:ADDRESS": connect there instead of asking DNS (as curl's
  // --resolve); the address policy still applies to ADDRESS.
  std::vector<std::string> resolve;
  // How long a name's DNS answer is used before it is looked up again
  // (getaddrinfo tells no record TTL); a failure is kept at most a minute.
  long dns_ttl_ms = 300'000;
  // How long a visit waits for a name's lookup (a dead name server holds
  // glibc for 5 s a try); past it the name failed to resolve.
  long dns_timeout_ms = 10'000;
  // PEM file of the CAs trusted for HTTPS instead of the system's store (as
  // curl's --cacert, CURLOPT_CAINFO); empty: the system's.
  std::string ca_file;
  // on: HTTP/2 offered to HTTPS servers (ALPN), HTTP/1.1 where they decline
  // and for http:// URLs (libcurl's default); off: HTTP/1.1 everywhere;
  // auto: on when per_host > 1 (one fetch at a time gains nothing from it).
  std::string http2 = "auto";
  // Idle connections kept open for reuse, over the whole crawl, beside those
  // in use; unset: the concurrency. A host's connection is reused only while
  // it is kept: in a crawl rotating over more hosts than this, the hosts
  // whose connections were kept first keep them (until nothing of the host
  // is left to fetch), and the others open one per fetch.
  std::optional<std::size_t> idle_connections;

  // Revisits (serve): a page comes back after an interval that doubles while
  // it stays unchanged and halves when it changes, within these bounds.
  long revisit_min_ms = 3600L * 1000;
  long revisit_max_ms = 30L * 86400 * 1000;

  // Logs (stderr).
  std::string log_level = "info";   // debug | info | warning | error
  std::string log_format = "text";  // text | json (one JSON object per line)

  // Scope and traps.
  std::string scope = "host";  // host | domain | any
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::size_t max_url_length = 2048;
  int max_repeated_segments = 3;
  int max_path_depth = 32;
  int max_query_params = 32;
  std::size_t max_pages_per_host = 1'000'000;
  // Links kept from one page, in document order; the rest are counted on
  // the page (links_dropped) and neither stored nor followed.
  std::size_t max_links_per_page = 5'000;
  // Non-public addresses (loopback, private, link-local, ...) the crawler
  // may connect to besides the seeds' own origins: CIDR ranges.
  std::vector<std::string> allow_addresses;

  // serve: the web console and HTTP endpoint. The token guards the
  // console's actions (and, with console_token_reads, its reads); it is
  // required to listen on anything but a loopback address.
  std::string listen = "127.0.0.1:9090";
  std::string console_token;
  bool console_token_reads = false;
};

}  // namespace crawler::config
