// CrawlEngine: see crawl_engine.hpp.
#include "crawler/crawl_engine.hpp"

#include <chrono>
#include <exception>
#include <utility>

#include "crawler/async/fetch.hpp"
#include "crawler/async/offload.hpp"
#include "parsers/html_page.hpp"

namespace crawler {

namespace {

// Held back from the scheduler when this many records wait for the writer:
// memory stays bounded when the disk is slower than the network.
constexpr std::size_t kMaxWriteBacklog = 2048;

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

FrontierLimits limits_from(const config::CrawlOptions& options) {
  return {options.concurrency, options.per_host, options.max_pages, options.max_depth};
}

}  // namespace

CrawlEngine::CrawlEngine(async::Loop& loop, const config::CrawlOptions& options,
                         storage::PageStore& store)
    : loop_(loop),
      options_(options),
      multis_(loop.get(), options.concurrency),
      frontier_(limits_from(options)),
      writer_(loop.get(), store, [this] { wake_.notify(); }) {}

CrawlEngine::~CrawlEngine() {
  multis_.shutdown();
}

void CrawlEngine::stop() {
  if (stopping_) return;
  stopping_ = true;
  wake_.notify();
}

async::Task<CrawlSummary> CrawlEngine::run(std::vector<std::string> seeds) {
  auto started = std::chrono::steady_clock::now();
  for (const auto& seed : seeds) frontier_.add_seed(seed);

  while (!stopping_ && !writer_.fatal()) {
    while (writer_.backlog() < kMaxWriteBacklog) {
      auto next = frontier_.next();
      if (!next) break;
      pages_.spawn(crawl_page(std::move(*next)));
    }
    if (frontier_.finished()) break;
    co_await wake_.wait();
  }
  summary_.stopped = stopping_;
  if (stopping_ || writer_.fatal()) multis_.cancel_all();
  co_await pages_.join();
  co_await writer_.flush();

  summary_.pages = writer_.written();
  summary_.write_failures = writer_.failed();
  if (writer_.fatal()) summary_.fatal_error = writer_.first_error();
  summary_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  co_return summary_;
}

async::Task<void> CrawlEngine::crawl_page(FrontierUrl url) {
  try {
    async::FetchRequest request;
    request.url = url.url;
    request.user_agent = options_.user_agent;
    request.connect_timeout_ms = options_.connect_timeout_ms;
    request.total_timeout_ms = options_.total_timeout_ms;
    request.max_body_bytes = options_.max_body_bytes;
    async::FetchResult result = co_await async::fetch(multis_.next(), std::move(request));

    if (result.error != async::FetchError::kCancelled) {
      storage::PageRecord record;
      record.url = url.url;
      record.final_url = result.final_url;
      record.depth = url.depth;
      record.status = result.status;
      record.content_type = result.content_type;
      record.fetched_at_ms = unix_ms_now();
      record.bytes = static_cast<std::int64_t>(result.bytes);
      record.duration_ms = result.timings.total_s * 1000.0;
      record.truncated = result.truncated;
      if (!result.ok()) {
        ++summary_.fetch_errors;
        record.error = async::to_string(result.error);
        record.error_detail = result.error_message;
      } else if (result.status >= 400) {
        ++summary_.http_errors;
        record.error = "http_" + std::to_string(result.status);
      }

      if (result.ok() && parsers::is_html_content_type(result.content_type)) {
        auto parse = [&result] { return parsers::parse_html_page(result.body, result.final_url); };
        parsers::HtmlPage page = co_await async::offload(loop_.get(), parse);
        if (!stopping_) {
          for (const auto& link : page.links) frontier_.add(link, url.depth + 1);
        }
        record.title = std::move(page.title);
        record.text = std::move(page.text);
        record.links = std::move(page.links);
      }
      writer_.add(std::move(record));
    }
  } catch (const std::exception& e) {
    // A page must never take the crawl down; the failure is the page's own.
    storage::PageRecord record;
    record.url = url.url;
    record.depth = url.depth;
    record.fetched_at_ms = unix_ms_now();
    record.error = "internal";
    record.error_detail = e.what();
    ++summary_.fetch_errors;
    writer_.add(std::move(record));
  }
  frontier_.done(url);
  wake_.notify();
}

}  // namespace crawler
