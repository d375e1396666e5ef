// RedirectStep: libcurl never follows a redirect; this step does, for
// pages, as a new URL: admitted like a link (an internal address or a bad
// scheme is recorded as blocked), within --max-redirects, loops refused,
// queued at the same depth with the chain that led to it.
#pragma once

#include "crawler/async/fetch.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "storage/page_record.hpp"

namespace crawler {

class RedirectStep {
 public:
  explicit RedirectStep(VisitContext& context) : context_(context) {}

  void follow(const FrontierUrl& url, const async::FetchResult& result,
              storage::PageRecord& record);

 private:
  VisitContext& context_;
};

}  // namespace crawler
