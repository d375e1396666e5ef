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
// Sessions are kept as OpenSSL holds them, not encoded: decoding one
// (its certificate and key) cost as much of the loop's CPU as the handshake
// it saved. At most `max_sessions` origins, the least recently used
// dropped; a session is about 7 KB, where an idle TLS connection kept open for
// the same purpose costs about 85 KB. One loop thread uses it, as it uses
// the multi handle; it must outlive the handle's connections.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

struct ssl_session_st;  // OpenSSL's SSL_SESSION

namespace crawler::async {

class TlsSessions {
 public:
  /// A crawl's, shared out over its multi handles (CurlMultiSet).
  static constexpr std::size_t kDefaultMaxSessions = 4096;

  struct SessionFree {
    void operator()(ssl_session_st* session) const;
  };
  using Session = std::unique_ptr<ssl_session_st, SessionFree>;

  explicit TlsSessions(std::size_t max_sessions = kDefaultMaxSessions)
      : max_sessions_(max_sessions) {}
  TlsSessions(const TlsSessions&) = delete;
  TlsSessions& operator=(const TlsSessions&) = delete;

  /// For CURLOPT_SSL_CTX_FUNCTION: ties `ssl_ctx` (an OpenSSL SSL_CTX, made
  /// by libcurl for one connection) to `origin`. False if OpenSSL refused.
  bool attach(void* ssl_ctx, std::string_view origin);

  /// Keeps `session` as the origin's, in place of the one before.
  void keep(std::string_view origin, Session session);
  /// The origin's session, or null; counts as a use.
  ssl_session_st* find(std::string_view origin);

  std::size_t size() const { return index_.size(); }
  std::size_t max_sessions() const { return max_sessions_; }

 private:
  struct Entry {
    std::string origin;
    Session session;
  };

  std::size_t max_sessions_;
  std::list<Entry> entries_;  // the most recently used first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views entries_
};

}  // namespace crawler::async
