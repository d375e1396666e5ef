// FetchStep: the request for a URL (the crawl's RequestBuilder, plus a
// revisit's validators and --keep-raw), sent through the admission gate;
// then what the response says, written into the page record and counted.
#pragma once

#include "crawler/admission/admission_gate.hpp"
#include "crawler/admission/request_builder.hpp"
#include "crawler/async/fetch.hpp"
#include "crawler/async/task.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "storage/page_record.hpp"

namespace crawler {

class FetchStep {
 public:
  FetchStep(VisitContext& context, AdmissionGate& gate);

  async::Task<async::FetchResult> fetch(const FrontierUrl& url);
  /// Status, type, timings and size into `record`, counted; a 200's body
  /// hashed (on the pool when large) so a revisit can tell a change.
  async::Task<void> record_response(const async::FetchResult& result, storage::PageRecord& record);
  /// --keep-raw keeps a page's request and response as sent and received.
  bool keeps_raw(const FrontierUrl& url) const;

 private:
  VisitContext& context_;
  AdmissionGate& gate_;
  RequestBuilder requests_;
};

}  // namespace crawler
