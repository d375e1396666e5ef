// FairShare: how many origins one crawler of a fleet should hold. Its fair
// share is the origins with work (queued URLs, or held by a live crawler)
// divided by the live crawlers, rounded up, and never more than it may hold
// (--lease-hosts). It claims up to its share; it hands origins over only
// when it holds more than its share plus some slack, so that the shares
// settle instead of moving origins back and forth as the counts change.
// Pure arithmetic: the counts come from the store's lease rounds.
#pragma once

#include <cstddef>

namespace crawler {

/// The fleet as a lease round counted it.
struct FleetCensus {
  std::size_t live_workers = 0;       // this crawler included
  std::size_t origins_with_work = 0;  // queued URLs, or held by a live crawler
};

/// What one crawler does about its share this round.
struct ShareMove {
  std::size_t claim = 0;      // origins to claim, at most
  std::size_t hand_over = 0;  // origins to give back
};

/// The origins a crawler should hold: at least one while there is work.
std::size_t fair_share(const FleetCensus& census, std::size_t cap);
/// `held`: origins this crawler keeps (those being handed over not counted).
ShareMove share_move(const FleetCensus& census, std::size_t held, std::size_t cap);

}  // namespace crawler
