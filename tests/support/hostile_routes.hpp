// The hostile web in a box: routes under /hostile/ of the loopback test
// server, each one way a server can lie, stall, flood or trick a crawler.
// /hostile/ itself is an index page linking every entry of the catalogue,
// so one crawl of it meets them all. Pure functions of the path: the
// connection carries out streams, delays and resets (see RouteReply).
#pragma once

#include <string_view>
#include <vector>

#include "tests/support/builtin_routes.hpp"

namespace crawler::testing {

/// One misbehaving response: its path and what it does.
struct HostileRoute {
  std::string_view path;
  std::string_view does;
};

/// Every entry, in the order the index links them.
const std::vector<HostileRoute>& hostile_catalogue();

/// The reply for `path` (which starts with "/hostile/"); 404 for unknown ones.
RouteReply route_hostile(std::string_view path);

}  // namespace crawler::testing
