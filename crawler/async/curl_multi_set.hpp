// CurlMultiSet: several CurlMulti bridges on one loop; each origin uses one.
// libcurl 7.88 walks its whole connection cache on every
// curl_multi_remove_handle (to find the connection just returned) and scans
// a host's connections on every new transfer, so its cost per transfer
// grows with the transfers in flight on one multi handle. Spreading a large
// concurrency over multi handles of at most kTransfersPerMulti keeps that
// cost flat; a crawl of ordinary concurrency uses exactly one. Each multi
// handle has its own connection cache (and share: DNS, TLS sessions), so an
// origin's transfers must all go to one handle, or they open a connection
// and a TLS handshake per handle instead of reusing one: the handle is
// chosen by a hash of the origin, never in turn.
#pragma once

#include <uv.h>

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "crawler/async/curl_multi.hpp"

namespace crawler::async {

class CurlMultiSet {
 public:
  static constexpr std::size_t kTransfersPerMulti = 1024;

  /// Enough multi handles for `max_transfers` in flight at once, keeping
  /// up to `idle_connections` open for reuse between them (0: as many as
  /// `max_transfers`) beside those in use.
  CurlMultiSet(uv_loop_t* loop, std::size_t max_transfers, std::size_t idle_connections = 0);

  /// The multi handle for transfers to `origin` ("scheme://host:port"):
  /// always the same one for the same origin, origins spread over all.
  CurlMulti& for_origin(std::string_view origin);

  /// Cancels every transfer in flight and, from now on, every one that
  /// starts: a crawl past its grace deadline starts nothing more.
  void cancel_all();
  void shutdown();
  std::size_t size() const { return multis_.size(); }

 private:
  std::vector<std::unique_ptr<CurlMulti>> multis_;
  bool cancelled_ = false;
};

}  // namespace crawler::async
