// RecordSink: see record_sink.hpp.
#include "crawler/engine/steps/record_sink.hpp"

#include <utility>

#include "crawler/base/unix_time.hpp"

namespace crawler {

storage::PageRecord RecordSink::start(const FrontierUrl& url) const {
  storage::PageRecord record;
  record.url = url.url.text();
  record.depth = url.depth;
  record.attempts = url.attempt + 1;
  record.fetched_at_ms = unix_ms_now();
  if (url.revisit) {
    // A revisit that ends early (robots, a failure) keeps the stored page
    // and its interval; RevisitPolicy decides for the ones that fetched.
    record.revisit = true;
    record.unchanged = true;
    record.revisit_after_s = url.revisit->revisit_after_s;
  }
  return record;
}

void RecordSink::store(storage::PageRecord record, std::string_view origin) {
  if (record.error.empty()) {
    ++context_.summary.stored_ok;
  } else {
    ++context_.summary.failed[record.error];
  }
  fetch_log_.note(origin, record);
  if (++notes_since_prune_ >= 1000) {
    notes_since_prune_ = 0;
    fetch_log_.prune([this](std::string_view origin) { return context_.frontier.holds(origin); });
  }
  context_.writer.add(std::move(record));
}

}  // namespace crawler
