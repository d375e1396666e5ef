// RecordSink: where every page record goes, the last step of a visit (and
// of an origin settled without fetches): counted, noted in the fetch log
// the console reads, and handed to the writer.
#pragma once

#include <cstddef>

#include "crawler/engine/fetch_log.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "storage/page_record.hpp"

namespace crawler {

class RecordSink {
 public:
  explicit RecordSink(VisitContext& context) : context_(context) {}
  RecordSink(const RecordSink&) = delete;
  RecordSink& operator=(const RecordSink&) = delete;

  /// A record for `url` with what is known before fetching it.
  storage::PageRecord start(const FrontierUrl& url) const;
  void store(storage::PageRecord record, std::string_view origin);

  const FetchLog& fetch_log() const { return fetch_log_; }

 private:
  VisitContext& context_;
  FetchLog fetch_log_;
  std::size_t notes_since_prune_ = 0;
};

}  // namespace crawler
