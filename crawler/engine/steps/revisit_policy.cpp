// RevisitPolicy: see revisit_policy.hpp.
#include "crawler/engine/steps/revisit_policy.hpp"

#include <algorithm>
#include <string>

namespace crawler {

std::int64_t RevisitPolicy::clamp(double seconds) const {
  double low = std::max(1.0, context_.options.revisit_min_ms / 1000.0);
  double high = std::max(low, context_.options.revisit_max_ms / 1000.0);
  return static_cast<std::int64_t>(std::clamp(seconds, low, high));
}

std::int64_t RevisitPolicy::first_interval_s() const {
  return clamp(kFirstRevisitS);
}

void RevisitPolicy::judge(const FrontierUrl& url, const async::FetchResult& result,
                          storage::PageRecord& record) const {
  record.etag = std::string(result.header("etag"));
  record.last_modified = std::string(result.header("last-modified"));
  if (!url.revisit) {
    record.revisit_after_s = first_interval_s();
    return;
  }
  const storage::DuePage& before = *url.revisit;
  record.revisit = true;
  record.unchanged = false;  // decided below
  ++context_.summary.revisits;
  double interval = static_cast<double>(std::max<std::int64_t>(before.revisit_after_s, 1));
  bool same = result.ok() && (result.status == 304 ||
                              (result.status == 200 && record.content_hash == before.content_hash));
  if (same) {
    record.unchanged = true;
    record.revisit_after_s = clamp(interval * 2);
  } else if (result.ok() && result.status < 500) {
    ++context_.summary.revisits_changed;
    record.revisit_after_s = clamp(interval / 2);
  } else {
    // A failed revisit keeps the stored page as it was; it comes back as planned.
    record.unchanged = true;
    record.revisit_after_s = clamp(interval);
  }
}

}  // namespace crawler
