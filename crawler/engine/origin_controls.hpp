// OriginControls: the operator's standing orders for origins, given in the
// console: pause an origin, give it a delay of its own, block it for the
// rest of the crawl. The frontier asks held() before it starts a fetch (a
// held origin is passed over, its URLs stay queued); the engine applies
// the delay around each fetch. The orders are kept in the database (a
// PageRecord's control) and read back when a crawl starts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "crawler/frontier/frontier.hpp"
#include "storage/page_record.hpp"

namespace crawler {

class OriginControls {
 public:
  /// The order for `control.origin` becomes `control` (the last one wins).
  void set(storage::OriginControl control);
  /// The order for `origin`, if one was given.
  const storage::OriginControl* find(std::string_view origin) const;
  /// Paused or blocked: no fetch starts.
  bool held(std::string_view origin) const;
  bool blocked(std::string_view origin) const;
  /// The operator's delay for `origin`, if one was given.
  std::optional<Millis> delay(std::string_view origin) const;
  /// Every order, by origin.
  const std::map<std::string, storage::OriginControl, std::less<>>& all() const { return orders_; }

 private:
  std::map<std::string, storage::OriginControl, std::less<>> orders_;
};

}  // namespace crawler
