// fetch: one HTTP GET as a coroutine. Builds an easy handle from a
// FetchRequest, runs it on the CurlMulti bridge and turns the outcome into a
// FetchResult value: I/O failures are data (FetchError + CURLcode), never
// exceptions. The body is capped (in decoded bytes, so a compression bomb
// stops at the cap); a capped body is kept and marked truncated. Response
// heads are capped too. libcurl never follows a redirect: each hop is the
// caller's new request. No socket is opened unless the request's
// connect_check allows the address libcurl is about to connect to.
#pragma once

#include <curl/curl.h>

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crawler/async/curl_multi.hpp"
#include "crawler/async/task.hpp"

namespace crawler::async {

enum class FetchError {
  kNone,
  kResolve,           // DNS failure
  kConnect,           // refused or unreachable
  kTimeout,           // connect, total or low-speed timeout
  kReset,             // connection reset or closed mid-response
  kTruncated,         // body shorter than announced
  kTooManyRedirects,  // redirect chain too long, or a loop
  kTls,               // TLS handshake or certificate failure
  kBadResponse,       // not parseable as HTTP
  kCancelled,         // the crawl stopped while the fetch was in flight
  kBlocked,           // refused before connecting (see FetchRequest::connect_check)
  kHeadTooLarge,      // response head past kMaxHeaderCount or kMaxHeadBytes
  kOther,
};

/// Stable lower-case name for storage and logs, e.g. "connect".
std::string_view to_string(FetchError error);
FetchError classify(CURLcode code);

/// Judges the address a connection is about to be opened to: empty to
/// allow, else why it is refused (that becomes the error message).
using ConnectCheck = std::function<std::optional<std::string>(const sockaddr*)>;

/// A response head larger than this is refused (kHeadTooLarge).
inline constexpr std::size_t kMaxHeaderCount = 1000;
inline constexpr std::size_t kMaxHeadBytes = 256 * 1024;

struct FetchRequest {
  std::string url;
  std::string user_agent = "crawler/0.1";
  long connect_timeout_ms = 10'000;
  long total_timeout_ms = 30'000;
  long low_speed_bytes = 0;  // with low_speed_time_s: abort a transfer slower than this
  long low_speed_time_s = 0;
  std::size_t max_body_bytes = 10 * 1024 * 1024;
  /// Required: without one, no connection is made (kBlocked). The crawl's
  /// admission gate is what sets it.
  ConnectCheck connect_check;
  std::vector<std::string> headers;  // extra request headers, "Name: value"
  std::vector<std::string> resolve;  // "HOST:PORT:ADDRESS", instead of DNS (CURLOPT_RESOLVE)
  // "HOST:PORT" of `url`, the key of its entry in libcurl's DNS cache: the
  // entry is dropped once no transfer uses it (DnsEntries). Empty: kept as
  // libcurl keeps it.
  std::string dns_key;
  // PEM file of the CAs to trust instead of the system's (CURLOPT_CAINFO);
  // empty: the system's.
  std::string ca_file;
  // Offer HTTP/2 to HTTPS servers (CURL_HTTP_VERSION_2TLS); false: HTTP/1.1 only.
  bool http2 = true;
  bool keep_raw = false;  // fill FetchResult::raw_request / raw_response_head
  // false: nothing else of the origin is due, so its connection is closed as
  // the transfer ends (over HTTP/1.1), rather than kept idle in the pool.
  bool keep_connection = true;
  // "scheme://host:port" of `url`: its connections on the multi handle are
  // counted by it (OriginConnections); empty: not counted.
  std::string origin;
};

struct FetchTimings {
  double name_lookup_s = 0;
  double connect_s = 0;
  double first_byte_s = 0;
  double total_s = 0;
};

struct FetchResult {
  FetchError error = FetchError::kNone;
  CURLcode curl_code = CURLE_OK;
  std::string error_message;   // curl's own words, when error != kNone
  long status = 0;             // HTTP status of the last response, 0 if none
  std::string final_url;       // after redirects
  std::string remote_address;  // the server address connected to (IP text); empty if none
  std::vector<std::pair<std::string, std::string>> headers;  // of the last response
  std::string content_type;
  std::string body;
  bool truncated = false;  // body cut at max_body_bytes
  std::size_t bytes = 0;   // body bytes received (before the cap)
  FetchTimings timings;
  // With FetchRequest::keep_raw: the request head as sent and the last
  // response's status line and headers as received (for WARC records).
  std::string raw_request;
  std::string raw_response_head;

  bool ok() const { return error == FetchError::kNone; }
  /// A redirect the caller may follow (301, 302, 303, 307, 308): libcurl
  /// never follows one itself.
  bool is_redirect() const {
    return ok() &&
           (status == 301 || status == 302 || status == 303 || status == 307 || status == 308);
  }
  /// First header value with this (case-insensitive) name, or empty.
  std::string_view header(std::string_view name) const;
  /// All values of a header that may repeat (e.g. X-Robots-Tag).
  std::vector<std::string_view> headers_named(std::string_view name) const;
  /// The Retry-After header as a delay (seconds or an HTTP date), if valid.
  std::optional<std::chrono::milliseconds> retry_after() const;
};

/// Fetches `request.url` on `multi`. Never throws for network or HTTP failures.
Task<FetchResult> fetch(CurlMulti& multi, FetchRequest request);

}  // namespace crawler::async
