// TlsSessions: the last TLS session of each origin a multi handle connects
// to, so that a new connection to the origin resumes it (an abbreviated
// handshake: no certificate chain sent, decoded and verified, no signature
// made by the server) however many origins a crawl keeps in rotation.
//
// Why ours: libcurl's own session cache holds 25 peers per share, a size
// fixed in its source, so a crawl of thousands of hosts never resumed a
// session (bench/README.md, broad_crawl over HTTPS); and Debian's libcurl is
// built without SSLS-EXPORT, through which we could have fed it sessions.
// libcurl hands each new connection's OpenSSL context to
// CURLOPT_SSL_CTX_FUNCTION; attach() ties the context to its origin there.
// OpenSSL then gives us the sessions the server issues (its new-session
// callback), and a handshake, as it starts, gets the origin's last session
// (its info callback: the one hook between libcurl's SSL_new and the
// ClientHello).
//
// Sessions are kept as DER, least recently used dropped past `max_bytes`:
// about 1 to 3 KB an origin, where an idle TLS connection kept open for
// the same purpose costs about 85 KB. One loop thread uses it, as it uses
// the multi handle; it must outlive the handle's connections.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace crawler::async {

class TlsSessions {
 public:
  static constexpr std::size_t kDefaultMaxBytes = 8 << 20;

  explicit TlsSessions(std::size_t max_bytes = kDefaultMaxBytes) : max_bytes_(max_bytes) {}
  TlsSessions(const TlsSessions&) = delete;
  TlsSessions& operator=(const TlsSessions&) = delete;

  /// For CURLOPT_SSL_CTX_FUNCTION: ties `ssl_ctx` (an OpenSSL SSL_CTX, made
  /// by libcurl for one connection) to `origin`. False if OpenSSL refused.
  bool attach(void* ssl_ctx, std::string_view origin);

  /// Keeps `der` (an i2d_SSL_SESSION encoding) as the origin's session.
  void keep(std::string_view origin, std::string der);
  /// The origin's session (DER), or null; counts as a use.
  const std::string* find(std::string_view origin);

  std::size_t size() const { return index_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  struct Entry {
    std::string origin;
    std::string der;
  };

  std::size_t max_bytes_;
  std::size_t bytes_ = 0;     // of the DER kept
  std::list<Entry> entries_;  // the most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views entries_
};

}  // namespace crawler::async
