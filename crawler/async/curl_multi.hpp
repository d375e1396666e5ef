// CurlMulti: drives libcurl's multi interface from the libuv loop through
// the socket API (CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION).
// Owns the CURLM, one uv_timer_t and one uv_poll_t per curl socket (keyed by
// fd: the kernel reuses numbers at once). Invariants: no libcurl call and no
// coroutine resumption inside a libcurl callback; after every
// curl_multi_socket_action the finished transfers are drained, removed, and
// only then resumed; shutdown() leaves no handle open on the loop.
#pragma once

#include <curl/curl.h>
#include <uv.h>

#include <coroutine>
#include <cstddef>
#include <unordered_map>
#include <unordered_set>

#include "crawler/async/dns_entries.hpp"
#include "crawler/async/origin_connections.hpp"
#include "crawler/async/tls_sessions.hpp"
#include "crawler/async/uv_handle.hpp"

namespace crawler::async {

class CurlMulti {
 public:
  /// `max_connections` caps the connection cache (open connections kept for
  /// reuse), `tls_sessions` the origins whose TLS session is kept.
  explicit CurlMulti(uv_loop_t* loop, long max_connections = 256,
                     std::size_t tls_sessions = TlsSessions::kDefaultMaxSessions);
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;
  ~CurlMulti();

  /// Awaitable for one transfer on `easy` (which must stay alive until it completes).
  /// Yields the transfer's CURLcode; CURLE_ABORTED_BY_CALLBACK if cancelled.
  class Transfer {
   public:
    Transfer(CurlMulti* multi, CURL* easy, bool surplus)
        : multi_(multi), easy_(easy), surplus_(surplus) {}
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;
    /// Destroyed while libcurl still holds its easy handle (a coroutine frame
    /// freed mid-transfer) is a use-after-free in waiting: it aborts, loudly,
    /// rather than corrupt memory (as cppcoro's async_scope asserts).
    ~Transfer();
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> waiter);
    CURLcode await_resume() const noexcept { return result_; }

   private:
    friend class CurlMulti;
    CurlMulti* multi_;
    CURL* easy_;
    bool surplus_;
    std::coroutine_handle<> waiter_;
    CURLcode result_ = CURLE_OK;
  };

  /// A `surplus` transfer (one begun on a new connection while the pool is
  /// full, or one whose origin has nothing more due) closes its connection
  /// as it ends (CURLOPT_FORBID_REUSE), and the pool's cap is one higher
  /// while it runs:
  /// libcurl counts the connections in use against the cap, and over it
  /// walks the whole pool for the oldest idle connection to close, for every
  /// transfer that ends (a fifth of the CPU at 10,000 in flight).
  Transfer transfer(CURL* easy, bool surplus = false) { return Transfer(this, easy, surplus); }

  /// Ends every transfer in flight with CURLE_ABORTED_BY_CALLBACK and resumes
  /// its waiter; a transfer a waiter starts meanwhile ends the same way at once.
  void cancel_all();
  /// While on, a transfer that starts is cancelled at once (a CurlMultiSet
  /// turns it on for all its multis before cancelling any of them).
  void set_cancelling(bool on) { cancelling_ += on ? 1 : -1; }

  /// cancel_all(), then curl_multi_cleanup and close every loop handle. Idempotent.
  void shutdown();

  std::size_t in_flight() const { return transfers_.size(); }

  /// The share handle every easy handle should join (DNS cache, TLS sessions).
  CURLSH* share() const { return share_; }
  /// How many connections libcurl keeps, in use or idle (CURLMOPT_MAXCONNECTS).
  long max_connections() const { return max_connections_; }
  /// The connections kept (idle ones, and those of the transfers in flight
  /// that are not surplus) fill the pool: a new one would make libcurl close
  /// the one idle longest. In a crawl rotating over more origins than the pool holds,
  /// that is the one needed next, and no connection would ever be reused;
  /// a new connection is surplus instead, and those kept stay kept.
  bool pool_full() const {
    auto kept = static_cast<long>(transfers_.size() + origins_.idle()) - surplus_;
    return kept >= max_connections_;
  }
  /// Connections and transfers in flight per origin on this handle.
  OriginConnections& origins() { return origins_; }
  /// The last TLS session of each origin this handle connected to.
  TlsSessions& tls_sessions() { return tls_sessions_; }
  /// The entries of the share's DNS cache in use, and those to drop.
  DnsEntries& dns_entries() { return dns_entries_; }

 private:
  struct PollSlot {
    CurlMulti* owner;
    curl_socket_t fd;
    UvHandle<uv_poll_t> poll;
  };

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp) noexcept;
  static int on_timer(CURLM* multi, long timeout_ms, void* self) noexcept;
  static void on_poll(uv_poll_t* poll, int status, int events) noexcept;
  static void on_timeout(uv_timer_t* timer) noexcept;

  void watch(curl_socket_t fd, int what);
  void unwatch(curl_socket_t fd);
  void socket_action(curl_socket_t fd, int flags);
  void finish(Transfer* transfer, CURLcode result);
  void count_surplus(int change);

  uv_loop_t* loop_;
  long max_connections_;
  OriginConnections origins_;  // before multi_: its cleanup closes connections into it
  TlsSessions tls_sessions_;   // before multi_ too: a closing connection may still hand it one
  DnsEntries dns_entries_;
  CURLM* multi_ = nullptr;
  CURLSH* share_ = nullptr;
  UvHandle<uv_timer_t> timer_;
  std::unordered_map<curl_socket_t, PollSlot*> polls_;
  std::unordered_set<Transfer*> transfers_;
  int cancelling_ = 0;  // nested cancellations in progress
  long surplus_ = 0;    // surplus transfers in flight
};

}  // namespace crawler::async
