// FetchLog: see fetch_log.hpp.
#include "crawler/engine/fetch_log.hpp"

namespace crawler {

void FetchLog::note(std::string_view origin, const storage::PageRecord& record) {
  auto found = tallies_.find(origin);
  if (found == tallies_.end()) found = tallies_.emplace(std::string(origin), Tally{}).first;
  Tally& tally = found->second;
  ++tally.fetched;
  tally.total_ms += record.duration_ms;
  tally.last_fetch_ms = record.fetched_at_ms;
  if (max_entries_ > 0) {
    if (entries_.size() >= max_entries_) entries_.pop_front();
    entries_.push_back({++last_seq_, record.fetched_at_ms, std::string(origin), record.url,
                        record.status, record.error, record.bytes, record.duration_ms});
  }
  if (record.error.empty()) return;
  ++tally.errors;
  if (failures_.size() >= max_failures_) failures_.pop_front();
  failures_.push_back({record.error, record.url, record.error_detail, record.fetched_at_ms});
}

const FetchLog::Tally* FetchLog::tally(std::string_view origin) const {
  auto found = tallies_.find(origin);
  return found == tallies_.end() ? nullptr : &found->second;
}

}  // namespace crawler
