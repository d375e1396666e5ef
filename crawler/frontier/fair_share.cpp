// FairShare: see fair_share.hpp.
#include "crawler/frontier/fair_share.hpp"

#include <algorithm>

namespace crawler {

std::size_t fair_share(const FleetCensus& census, std::size_t cap) {
  if (census.origins_with_work == 0) return 0;
  std::size_t workers = std::max<std::size_t>(census.live_workers, 1);
  std::size_t share = (census.origins_with_work + workers - 1) / workers;
  return std::min(share, cap);
}

ShareMove share_move(const FleetCensus& census, std::size_t held, std::size_t cap) {
  std::size_t share = fair_share(census, cap);
  // About an eighth, and at least one: an origin finishing elsewhere must
  // not make a crawler hand one over.
  std::size_t slack = std::max<std::size_t>(1, share / 8);
  ShareMove move;
  if (held < share) move.claim = share - held;
  if (held > share + slack) move.hand_over = held - share;
  return move;
}

}  // namespace crawler
