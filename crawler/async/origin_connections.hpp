// OriginConnections: per origin on one multi handle, how many connections
// libcurl holds open and how many transfers are in flight, counted from the
// socket callbacks (CURLOPT_OPENSOCKETFUNCTION / CURLOPT_CLOSESOCKETFUNCTION).
//
// Why: on every new transfer libcurl looks for an idle connection by walking
// every connection it holds to the transfer's host. With thousands of
// transfers in flight to one origin over HTTP/1.1 that walk, quadratic over
// the crawl, was half of the crawler's CPU (bench/concurrent_slow). When
// every connection is taken by a transfer in flight, there is nothing to
// find: the transfer asks for a fresh connection (CURLOPT_FRESH_CONNECT)
// instead, and the walk is skipped.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

namespace crawler::async {

class OriginConnections {
 public:
  struct Tally {
    OriginConnections* owner;
    const std::string* origin;    // the map's key
    std::size_t connections = 0;  // sockets open (a connection being made counts)
    std::size_t in_flight = 0;
  };

  /// One transfer to an origin, counted as in flight while it lives. The
  /// tally it names outlives it while libcurl holds a connection it opened.
  class Transfer {
   public:
    Transfer(OriginConnections& owner, std::string_view origin);
    ~Transfer();
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;

    /// True when, as it started, every connection to its origin was taken by
    /// another transfer in flight: no idle one for libcurl to find.
    bool none_idle() const { return none_idle_; }
    /// For the socket callbacks: OPENSOCKET counts with opened(), CLOSESOCKETDATA is this.
    Tally* tally() const { return tally_; }

   private:
    Tally* tally_;
    bool none_idle_;
  };

  OriginConnections() = default;
  OriginConnections(const OriginConnections&) = delete;
  OriginConnections& operator=(const OriginConnections&) = delete;

  /// A socket was opened for a transfer counted on `tally`.
  static void opened(Tally* tally) { count(tally, +1, 0); }
  /// CURLOPT_CLOSESOCKETFUNCTION: closes `fd` and counts it on the tally
  /// (CURLOPT_CLOSESOCKETDATA), which libcurl keeps with the connection.
  static int on_close(void* tally, curl_socket_t fd) noexcept;

  /// Open connections to `origin` (0 when none is known).
  std::size_t connections(std::string_view origin) const;
  /// Open connections no transfer in flight holds, over every origin.
  std::size_t idle() const { return idle_; }
  /// Origins with a connection open or a transfer in flight.
  std::size_t origins() const { return tallies_.size(); }

 private:
  static void count(Tally* tally, int connections, int in_flight);
  static void forget_if_unused(Tally* tally);

  std::unordered_map<std::string, Tally> tallies_;
  std::size_t idle_ = 0;
};

}  // namespace crawler::async
