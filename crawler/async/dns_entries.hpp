// DnsEntries: keeps libcurl's DNS cache, on one multi handle, to the hosts
// with a transfer in flight.
//
// Why: libcurl keeps a CURLOPT_RESOLVE entry (the admission gate pins every
// name so) for good, other entries for CURLOPT_DNS_CACHE_TIMEOUT (60 s), and
// as each transfer ends it walks its whole DNS cache for the stale ones
// (Curl_dnscache_prune, curl 8.14). Over a crawl of many hosts that is memory
// growing with every name ever crawled and a walk growing with it, per
// transfer: 10 % of the crawler's CPU at 2,000 hosts (bench/README.md). Our
// own DNS step answers every transfer anyway, so libcurl's cache serves
// nothing once a host's transfers are over. The one way to drop an entry is
// a "-HOST:PORT" line in a later transfer's CURLOPT_RESOLVE: the hosts whose
// last transfer ended wait here for the next transfer to carry them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace crawler::async {

class DnsEntries {
 public:
  /// One transfer whose entry is libcurl's `key` ("HOST:PORT"), in use while it lives.
  class Use {
   public:
    Use(DnsEntries& owner, std::string_view key);
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    DnsEntries& owner_;
    std::pair<const std::string, std::size_t>* entry_;  // stable while the map rehashes
  };

  DnsEntries() = default;
  DnsEntries(const DnsEntries&) = delete;
  DnsEntries& operator=(const DnsEntries&) = delete;

  /// CURLOPT_RESOLVE removals ("-HOST:PORT") of the entries no transfer has
  /// used since its last one ended; each is handed out once. A transfer
  /// loads them before its own entries, so its own is never among them.
  std::vector<std::string> take_unused();

  /// Entries waiting for take_unused().
  std::size_t unused() const { return unused_.size(); }

 private:
  std::unordered_map<std::string, std::size_t> in_use_;  // key -> transfers in flight
  std::vector<std::string> unused_;
};

}  // namespace crawler::async
