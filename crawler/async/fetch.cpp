// fetch: see fetch.hpp.
#include "crawler/async/fetch.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <memory>

#include "crawler/async/dns_entries.hpp"
#include "crawler/async/origin_connections.hpp"
#include "crawler/async/tls_sessions.hpp"
#include "parsers/ascii.hpp"

namespace crawler::async {

namespace {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

HeaderList make_list(const std::vector<std::string>& items) {
  HeaderList list;
  for (const auto& item : items) {
    if (curl_slist* longer = curl_slist_append(list.get(), item.c_str())) {
      (void)list.release();
      list.reset(longer);
    }
  }
  return list;
}

// CURLOPT_RESOLVE: the entries no transfer uses any more dropped, then the
// request's own loaded (libcurl reads the list in order).
// NOTE(curl 8.14, lib/multi.c): libcurl starts transfers in the order they
// were added (its timers of one expiry run first in, first out) and takes
// each from its CURLOPT_RESOLVE to its connect in one go, so a removal
// carried by a transfer added earlier cannot undo the entry a later one
// loads for the same name before that one connects.
HeaderList resolve_list(CurlMulti& multi, const FetchRequest& request) {
  std::vector<std::string> entries = multi.dns_entries().take_unused();
  entries.insert(entries.end(), request.resolve.begin(), request.resolve.end());
  return make_list(entries);
}

// Lives on the fetch coroutine's frame for the whole transfer; the curl
// callbacks only append to it (they must not call libcurl or resume anything).
struct Sink {
  FetchResult* result;
  std::size_t cap;
  const ConnectCheck* connect_check;
  OriginConnections::Tally* origin = nullptr;  // counts the sockets opened
  TlsSessions* tls_sessions = nullptr;         // where its TLS sessions are kept,
  const std::string* tls_origin = nullptr;     // under this origin
  bool capped = false;
  bool keep_raw = false;
  bool head_too_large = false;
  std::size_t head_bytes = 0;  // of the current response
  std::string refused{};       // why connect_check refused an address
  int addresses_tried = 0;
  int addresses_refused = 0;
};

// CURLOPT_OPENSOCKETFUNCTION: the one place every connection starts, after
// DNS resolution, with the very address libcurl will use (a name that
// resolves differently later cannot slip past: DNS rebinding).
curl_socket_t on_open_socket(void* userp, curlsocktype purpose, curl_sockaddr* address) {
  auto* sink = static_cast<Sink*>(userp);
  try {
    if (purpose == CURLSOCKTYPE_IPCXN) {
      ++sink->addresses_tried;
      auto why = *sink->connect_check ? (*sink->connect_check)(&address->addr)
                                      : std::optional<std::string>("no admission check");
      if (why) {
        ++sink->addresses_refused;
        sink->refused = std::move(*why);
        return CURL_SOCKET_BAD;
      }
    }
  } catch (...) {
    return CURL_SOCKET_BAD;
  }
  curl_socket_t fd = socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd != CURL_SOCKET_BAD && sink->origin) OriginConnections::opened(sink->origin);
  return fd;
}

// CURLOPT_SSL_CTX_FUNCTION: a new TLS connection, whose handshake resumes
// the origin's last session and whose sessions are kept for the next one.
CURLcode on_ssl_context(CURL*, void* ssl_ctx, void* userp) {
  auto* sink = static_cast<Sink*>(userp);
  (void)sink->tls_sessions->attach(ssl_ctx, *sink->tls_origin);  // or a full handshake
  return CURLE_OK;
}

// CURLOPT_DEBUGFUNCTION, set only with keep_raw: collects the request head.
int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* userp) {
  auto* sink = static_cast<Sink*>(userp);
  if (type == CURLINFO_HEADER_OUT) {
    try {
      sink->result->raw_request.assign(data, size);  // the last request sent wins
    } catch (...) {
    }
  }
  return 0;
}

size_t on_body(char* data, size_t size, size_t count, void* userp) {
  auto* sink = static_cast<Sink*>(userp);
  size_t n = size * count;
  sink->result->bytes += n;
  std::string& body = sink->result->body;
  size_t room = sink->cap - std::min(sink->cap, body.size());
  try {
    // Grown by doubling, but never past the cap (a 10 MiB cap is not a 16 MiB buffer).
    if (body.capacity() < body.size() + std::min(n, room))
      body.reserve(std::min(sink->cap, std::max(body.size() * 2, body.size() + n)));
    if (n > room) {
      sink->result->body.append(data, room);
      sink->capped = true;
      return 0;  // stops the transfer with CURLE_WRITE_ERROR, recognised below
    }
    sink->result->body.append(data, n);
  } catch (...) {
    return 0;  // out of memory: the transfer fails, nothing crosses libcurl
  }
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* userp) {
  auto* sink = static_cast<Sink*>(userp);
  size_t n = size * count;
  std::string_view line(data, n);
  try {
    if (line.starts_with("HTTP/")) {
      sink->result->headers.clear();  // a new response (after a 100)
      sink->head_bytes = 0;
      if (sink->keep_raw) sink->result->raw_response_head.clear();
    }
    sink->head_bytes += n;
    auto colon = line.find(':');
    bool header = !line.starts_with("HTTP/") && colon != std::string_view::npos;
    if (sink->head_bytes > kMaxHeadBytes ||
        (header && sink->result->headers.size() == kMaxHeaderCount)) {
      sink->head_too_large = true;
      return 0;  // stops the transfer
    }
    if (sink->keep_raw) sink->result->raw_response_head.append(line);
    if (header)
      sink->result->headers.emplace_back(
          std::string(parsers::trim_ascii_space(line.substr(0, colon))),
          std::string(parsers::trim_ascii_space(line.substr(colon + 1))));
  } catch (...) {
    return 0;
  }
  return n;
}

EasyHandle make_easy(const FetchRequest& request, CurlMulti& multi, Sink& sink) {
  EasyHandle easy(curl_easy_init());
  if (!easy) return easy;
  CURL* e = easy.get();
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_USERAGENT, request.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_SHARE, multi.share());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  // No proxy from the environment (http_proxy, ALL_PROXY, ...): behind one,
  // the connect check would see the proxy's address, not the server's.
  curl_easy_setopt(e, CURLOPT_PROXY, "");
  curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &on_open_socket);
  curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, &sink);
  // An unreadable file fails each HTTPS transfer (CURLE_SSL_CACERT_BADFILE,
  // a TLS error); the crawl command refuses one at start instead.
  if (!request.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, request.ca_file.c_str());
  // NOTE(curl 7.87+, lib/vtls/openssl.c): libcurl keeps the CA store it
  // built in the multi handle for CURLOPT_CA_CACHE_TIMEOUT, but only when no
  // CA directory is set, and Debian's libcurl sets one by default
  // (/etc/ssl/certs). With it, every new TLS connection parsed the whole CA
  // file again: about 140 certificates for the system's bundle, about 19 ms
  // of CPU per page in an HTTPS broad crawl (bench/README.md). The bundle holds
  // the same certificates as that directory, so the directory is dropped.
  curl_easy_setopt(e, CURLOPT_CAPATH, nullptr);
  // 2TLS is libcurl's default since 7.62; set either way so the choice is ours.
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
                   request.http2 ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, request.total_timeout_ms);
  if (request.low_speed_bytes > 0 && request.low_speed_time_s > 0) {
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, request.low_speed_bytes);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, request.low_speed_time_s);
  }
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding curl was built with
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &sink);
  if (request.keep_raw) {
    sink.keep_raw = true;
    curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &on_debug);
    curl_easy_setopt(e, CURLOPT_DEBUGDATA, &sink);
    curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);  // the debug function sees only what is sent
  }
  return easy;
}

void read_info(CURL* e, FetchResult& result) {
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &result.status);
  if (char* url = nullptr; curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url)
    result.final_url = url;
  if (char* ip = nullptr; curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip)
    result.remote_address = ip;
  if (char* type = nullptr; curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type)
    result.content_type = type;
  curl_off_t t = 0;
  if (curl_easy_getinfo(e, CURLINFO_NAMELOOKUP_TIME_T, &t) == CURLE_OK)
    result.timings.name_lookup_s = t / 1e6;
  if (curl_easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &t) == CURLE_OK)
    result.timings.connect_s = t / 1e6;
  if (curl_easy_getinfo(e, CURLINFO_STARTTRANSFER_TIME_T, &t) == CURLE_OK)
    result.timings.first_byte_s = t / 1e6;
  if (curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &t) == CURLE_OK) result.timings.total_s = t / 1e6;
}

}  // namespace

std::string_view to_string(FetchError error) {
  switch (error) {
    case FetchError::kNone:
      return "none";
    case FetchError::kResolve:
      return "resolve";
    case FetchError::kConnect:
      return "connect";
    case FetchError::kTimeout:
      return "timeout";
    case FetchError::kReset:
      return "reset";
    case FetchError::kTruncated:
      return "truncated";
    case FetchError::kTooManyRedirects:
      return "too_many_redirects";
    case FetchError::kTls:
      return "tls";
    case FetchError::kBadResponse:
      return "bad_response";
    case FetchError::kCancelled:
      return "cancelled";
    case FetchError::kBlocked:
      return "blocked";
    case FetchError::kHeadTooLarge:
      return "head_too_large";
    case FetchError::kOther:
      return "other";
  }
  return "other";
}

FetchError classify(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return FetchError::kNone;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return FetchError::kResolve;
    case CURLE_COULDNT_CONNECT:
      return FetchError::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return FetchError::kTimeout;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
      return FetchError::kReset;
    case CURLE_PARTIAL_FILE:
      return FetchError::kTruncated;
    case CURLE_TOO_MANY_REDIRECTS:
      return FetchError::kTooManyRedirects;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return FetchError::kTls;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return FetchError::kBadResponse;
    case CURLE_ABORTED_BY_CALLBACK:
      return FetchError::kCancelled;
    default:
      return FetchError::kOther;
  }
}

std::string_view FetchResult::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (parsers::ascii_iequals(key, name)) return value;
  return {};
}

std::vector<std::string_view> FetchResult::headers_named(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& [key, value] : headers)
    if (parsers::ascii_iequals(key, name)) values.push_back(value);
  return values;
}

std::optional<std::chrono::milliseconds> FetchResult::retry_after() const {
  std::string value(parsers::trim_ascii_space(header("retry-after")));
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), parsers::is_ascii_digit)) {
    if (value.size() > 9) return std::chrono::hours(24 * 365);  // absurd, but a clear "later"
    return std::chrono::seconds(std::stol(value));
  }
  time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  auto delta = std::chrono::system_clock::from_time_t(when) - std::chrono::system_clock::now();
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(delta));
}

Task<FetchResult> fetch(CurlMulti& multi, FetchRequest request) {
  FetchResult result;
  Sink sink{&result, request.max_body_bytes, &request.connect_check};
  EasyHandle easy = make_easy(request, multi, sink);
  if (!easy) {
    result.error = FetchError::kOther;
    result.curl_code = CURLE_FAILED_INIT;
    result.error_message = "curl_easy_init failed";
    co_return result;
  }
  // Over HTTP/1.1 a connection serves one transfer at a time: when all are
  // taken, libcurl's walk over them for an idle one is skipped.
  std::optional<OriginConnections::Transfer> counted;
  bool surplus = false;
  if (!request.origin.empty()) {
    counted.emplace(multi.origins(), request.origin);
    sink.origin = counted->tally();
    curl_easy_setopt(easy.get(), CURLOPT_CLOSESOCKETFUNCTION, &OriginConnections::on_close);
    curl_easy_setopt(easy.get(), CURLOPT_CLOSESOCKETDATA, counted->tally());
    // An HTTP/2 connection may carry other transfers' streams: it stays.
    bool may_multiplex = request.http2 && request.url.starts_with("https:");
    if (!may_multiplex) surplus = !request.keep_connection;
    if (counted->none_idle() && !may_multiplex) {
      curl_easy_setopt(easy.get(), CURLOPT_FRESH_CONNECT, 1L);
      // Its connection would be one too many for the pool as it ends.
      surplus = surplus || multi.pool_full();
    }
    // libcurl's session cache holds 25 peers; ours, an origin each. Where
    // libcurl has no OpenSSL context to hand over, its own cache stays on.
    if (request.url.starts_with("https:") &&
        curl_easy_setopt(easy.get(), CURLOPT_SSL_CTX_FUNCTION, &on_ssl_context) == CURLE_OK) {
      sink.tls_sessions = &multi.tls_sessions();
      sink.tls_origin = &request.origin;
      curl_easy_setopt(easy.get(), CURLOPT_SSL_CTX_DATA, &sink);
      curl_easy_setopt(easy.get(), CURLOPT_SSL_SESSIONID_CACHE, 0L);
    }
  }
  // Both live on this frame until the transfer is over, as curl requires.
  HeaderList headers = make_list(request.headers);
  if (headers) curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
  std::optional<DnsEntries::Use> dns_entry;
  if (!request.dns_key.empty()) dns_entry.emplace(multi.dns_entries(), request.dns_key);
  HeaderList resolve = resolve_list(multi, request);  // after dns_entry: never drops its own
  if (resolve) curl_easy_setopt(easy.get(), CURLOPT_RESOLVE, resolve.get());
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy.get(), CURLOPT_ERRORBUFFER, error_buffer);

  CURLcode code = co_await multi.transfer(easy.get(), surplus);

  read_info(easy.get(), result);
  if (code == CURLE_WRITE_ERROR && sink.capped) {
    result.truncated = true;  // our cap, not a failure of the server
    code = CURLE_OK;
  }
  result.curl_code = code;
  result.error = classify(code);
  if (code != CURLE_OK)
    result.error_message = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
  // Blocked when every address was refused; one that was tried and failed
  // keeps the failure its own (a connect error, worth another try).
  if (code == CURLE_COULDNT_CONNECT && sink.addresses_refused > 0 &&
      sink.addresses_refused == sink.addresses_tried) {
    result.error = FetchError::kBlocked;
    result.error_message = "refused to connect: " + sink.refused;
  } else if (code == CURLE_WRITE_ERROR && sink.head_too_large) {
    result.error = FetchError::kHeadTooLarge;
    result.error_message = "response head over " + std::to_string(kMaxHeaderCount) +
                           " headers or " + std::to_string(kMaxHeadBytes) + " bytes";
  }
  if (result.final_url.empty()) result.final_url = request.url;
  co_return result;
}

}  // namespace crawler::async
