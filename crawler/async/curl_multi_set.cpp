// CurlMultiSet: see curl_multi_set.hpp.
#include "crawler/async/curl_multi_set.hpp"

#include <algorithm>
#include <functional>

namespace crawler::async {

CurlMultiSet::CurlMultiSet(uv_loop_t* loop, std::size_t max_transfers,
                           std::size_t idle_connections) {
  std::size_t count =
      std::max<std::size_t>(1, (max_transfers + kTransfersPerMulti - 1) / kTransfersPerMulti);
  std::size_t idle = idle_connections > 0 ? idle_connections : max_transfers;
  std::size_t kept = max_transfers + idle;  // libcurl's cap counts connections in use
  long per_multi = static_cast<long>((kept + count - 1) / count);
  // The crawl's TLS sessions are shared out as its connections are.
  std::size_t sessions = (TlsSessions::kDefaultMaxSessions + count - 1) / count;
  for (std::size_t i = 0; i < count; ++i)
    multis_.push_back(std::make_unique<CurlMulti>(loop, std::max(per_multi, 16L), sessions));
}

CurlMulti& CurlMultiSet::for_origin(std::string_view origin) {
  return *multis_[std::hash<std::string_view>{}(origin) % multis_.size()];
}

// A waiter resumed by one multi's cancellation may start a transfer on
// another, and a timer may start one later: every multi refuses new
// transfers for good (sticky), so a stop never overruns its deadline.
void CurlMultiSet::cancel_all() {
  if (!cancelled_)
    for (auto& multi : multis_) multi->set_cancelling(true);
  cancelled_ = true;
  for (auto& multi : multis_) multi->cancel_all();
}

void CurlMultiSet::shutdown() {
  for (auto& multi : multis_) multi->shutdown();
}

}  // namespace crawler::async
