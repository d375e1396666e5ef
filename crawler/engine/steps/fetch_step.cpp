// FetchStep: see fetch_step.hpp.
#include "crawler/engine/steps/fetch_step.hpp"

#include <cstdio>
#include <string>

#include "crawler/async/offload.hpp"
#include "crawler/base/unix_time.hpp"

namespace crawler {

namespace {

// Bodies up to this size are hashed on the loop thread (about 0.1 ms).
constexpr std::size_t kInlineHashBytes = 128 * 1024;

// FNV-1a, 64 bits: enough to tell whether a page's body changed.
std::string content_hash(std::string_view body) {
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : body) hash = (hash ^ c) * 1099511628211ull;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace

FetchStep::FetchStep(VisitContext& context, AdmissionGate& gate)
    : context_(context), gate_(gate), requests_(context.options) {}

bool FetchStep::keeps_raw(const FrontierUrl& url) const {
  return context_.options.keep_raw && url.kind == UrlKind::kPage;
}

// Not a coroutine: the gate's task is the transfer's own, and a frame here
// would be held for every transfer in flight (1.2 KB each).
async::Task<async::FetchResult> FetchStep::fetch(const FrontierUrl& url) {
  RequestKind kind = url.kind == UrlKind::kSitemap ? RequestKind::kSitemap : RequestKind::kPage;
  async::FetchRequest request = requests_.build(url.url.text(), kind);
  request.keep_raw = keeps_raw(url);
  // A connection kept idle for an origin with nothing left to fetch would
  // take the pool's room from one that has. A page at the depth limit adds
  // no link (the widest layer of a broad crawl: hosts of one page each); a
  // redirect it answers with is queued after, on a new connection.
  bool may_link = url.kind == UrlKind::kSitemap || context_.admission.within_depth(url.depth + 1);
  request.keep_connection = context_.frontier.expects_more(url.origin(), may_link);
  if (url.revisit) {
    if (!url.revisit->etag.empty())
      request.headers.push_back("If-None-Match: " + url.revisit->etag);
    if (!url.revisit->last_modified.empty())
      request.headers.push_back("If-Modified-Since: " + url.revisit->last_modified);
  }
  return gate_.fetch(kind, std::move(request));
}

async::Task<void> FetchStep::record_response(const async::FetchResult& result,
                                             storage::PageRecord& record) {
  CrawlSummary& summary = context_.summary;
  record.final_url = result.final_url;
  // Where the connection went: the DNS step's first address, unless libcurl
  // had to fall back to another of the name's addresses.
  if (!result.remote_address.empty()) record.address = result.remote_address;
  record.status = result.status;
  record.content_type = result.content_type;
  record.fetched_at_ms = unix_ms_now();
  record.bytes = static_cast<std::int64_t>(result.bytes);
  record.duration_ms = result.timings.total_s * 1000.0;
  record.truncated = result.truncated;
  summary.bytes += result.bytes;
  if (result.status >= 100 && result.status < 600) ++summary.responses[result.status / 100];
  if (!result.ok()) {
    ++summary.fetch_errors;
    ++summary.errors[std::string(async::to_string(result.error))];
    record.error = async::to_string(result.error);
    record.error_detail = result.error_message;
  } else if (result.status >= 400) {
    ++summary.http_errors;
    record.error = "http_" + std::to_string(result.status);
  }
  if (result.ok() && result.status == 200) {
    if (result.body.size() <= kInlineHashBytes) {
      record.content_hash = content_hash(result.body);
    } else {
      auto hash = [&result] { return content_hash(result.body); };
      record.content_hash = co_await async::offload(context_.loop.get(), hash);
    }
  }
}

}  // namespace crawler
