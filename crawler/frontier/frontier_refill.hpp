// read_refill: carries out a Frontier's RefillPlan against the database:
// the hosts that ran low first, then (when asked) a walk over every host
// with queued URLs, in name order from where the last walk stopped, until
// memory's room is met. It runs on the thread pool; the plan is a copy.
#pragma once

#include "crawler/frontier/frontier.hpp"
#include "storage/crawl_store.hpp"

namespace crawler {

RefillRows read_refill(storage::CrawlStore& store, const RefillPlan& plan);

}  // namespace crawler
