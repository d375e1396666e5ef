// read_refill: see frontier_refill.hpp.
#include "crawler/frontier/frontier_refill.hpp"

#include <algorithm>

namespace crawler {

RefillRows read_refill(storage::CrawlStore& store, const RefillPlan& plan) {
  RefillRows rows;
  // URLs the frontier holds come back too (it skips them): they do not use up the room.
  std::size_t budget = plan.room + plan.held;
  std::size_t read = 0;
  auto read_host = [&](const std::string& host) {
    auto urls = store.oldest_queued(host, plan.host_window);
    bool all = urls.size() < plan.host_window;
    read += urls.size();
    rows.hosts.push_back({host, std::move(urls), all});
  };
  for (const auto& host : plan.hosts_first) read_host(host);
  if (!plan.walk) return rows;

  // Hosts after the cursor to the last, then from the first up to the cursor.
  std::string host = plan.after_host;
  bool wrapped = plan.after_host.empty();
  while (read < budget) {
    auto next = store.queued_origin_after(host);
    if (!next && !wrapped) {
      wrapped = true;
      host.clear();
      continue;
    }
    if (!next || (wrapped && !plan.after_host.empty() && *next > plan.after_host)) {
      rows.walked_all = true;
      break;
    }
    host = std::move(*next);
    if (!std::binary_search(plan.full_hosts.begin(), plan.full_hosts.end(), host)) read_host(host);
  }
  rows.last_host = host;
  return rows;
}

}  // namespace crawler
