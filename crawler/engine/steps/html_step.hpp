// HtmlStep: reads an HTML page on the parse pool (binary check, decoding,
// the markup guard, gumbo under its CPU budget: parsers/html_page.hpp),
// then, back on the loop thread, applies X-Robots-Tag and the page's own
// robots directives and offers its links. A hostile page costs the loop
// thread and the writer no more than an ordinary one: the links are capped
// and length-checked on the pool.
#pragma once

#include <atomic>

#include "crawler/async/byte_budget.hpp"
#include "crawler/async/fetch.hpp"
#include "crawler/async/task.hpp"
#include "crawler/engine/steps/visit_context.hpp"
#include "parsers/html_page.hpp"
#include "storage/page_record.hpp"

namespace crawler {

class HtmlStep {
 public:
  explicit HtmlStep(VisitContext& context);
  HtmlStep(const HtmlStep&) = delete;
  HtmlStep& operator=(const HtmlStep&) = delete;

  /// False when the parse was cancelled: the page is left for the next run.
  async::Task<bool> read(const FrontierUrl& url, async::FetchResult& result,
                         storage::PageRecord& record);

  /// Every parse running stops at once (the process is ending).
  void cancel() { cancelled_ = true; }

 private:
  void offer_links(const FrontierUrl& url, parsers::HtmlPage& page, bool follow,
                   storage::PageRecord& record);

  VisitContext& context_;
  std::atomic<bool> cancelled_{false};  // read by the parse pool (HtmlLimits::cancel)
  parsers::HtmlLimits limits_;
  async::ByteBudget pool_bytes_;  // HTML bytes being parsed
};

}  // namespace crawler
