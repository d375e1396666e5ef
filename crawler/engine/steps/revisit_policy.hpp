// RevisitPolicy: what a visit learns for the next one: validators, a hash
// of the body, and the revisit interval, doubled while the page stays the
// same (304 or the same hash), halved when it changed, kept after a
// failure; in whole seconds within --revisit-min and --revisit-max.
#pragma once

#include <cstdint>

#include "crawler/async/fetch.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "storage/page_record.hpp"

namespace crawler {

class RevisitPolicy {
 public:
  explicit RevisitPolicy(VisitContext& context) : context_(context) {}

  /// A first visit's interval (a day), within the bounds.
  std::int64_t first_interval_s() const;
  /// Sets `record`'s validators, unchanged flag and next interval.
  void judge(const FrontierUrl& url, const async::FetchResult& result,
             storage::PageRecord& record) const;

 private:
  static constexpr double kFirstRevisitS = 86400;
  std::int64_t clamp(double seconds) const;

  VisitContext& context_;
};

}  // namespace crawler
