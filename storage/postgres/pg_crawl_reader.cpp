// PgCrawlReader: see pg_crawl_reader.hpp.
#include "storage/postgres/pg_crawl_reader.hpp"

#include "storage/postgres/pg.hpp"
#include "storage/postgres/pg_copy.hpp"
#include "storage/postgres/pg_crawl_queries.hpp"
#include "storage/postgres/pg_read_query.hpp"

namespace crawler::storage {

std::string PgCrawlReader::name() const {
  return pg::redact_uri(uri_);
}

std::vector<SearchHit> PgCrawlReader::search(const std::string& query, int limit,
                                             const std::optional<std::string>& site,
                                             const std::string& open,
                                             const std::string& close) const {
  return pg::search_pages(uri_, query, limit, site, open, close);
}

CrawlStats PgCrawlReader::stats(int top) const {
  return pg::crawl_stats(uri_, top);
}

std::optional<PageView> PgCrawlReader::page_view(const std::string& url, int max_links) const {
  return pg::page_view(uri_, url, max_links);
}

std::optional<UrlState> PgCrawlReader::url_state(const std::string& url) const {
  return pg::url_state(uri_, url);
}

OriginQueue PgCrawlReader::origin_queue(const std::string& origin, std::int64_t offset,
                                        int limit) const {
  return pg::origin_queue(uri_, origin, offset, limit);
}

std::optional<KeptRobotsTxt> PgCrawlReader::kept_robots_txt(const std::string& origin) const {
  return pg::kept_robots_txt(uri_, origin);
}

std::int64_t PgCrawlReader::export_count(bool exchanges) const {
  return pg::export_count(uri_, exchanges);
}

void PgCrawlReader::for_each_page(const std::function<void(const ExportedPage&)>& on_page) const {
  pg::for_each_page(uri_, on_page);
}

void PgCrawlReader::for_each_exchange(
    const std::function<void(const ExportedExchange&)>& on_exchange) const {
  pg::for_each_exchange(uri_, on_exchange);
}

void PgCrawlReader::run_query(const std::string& sql,
                              const std::function<void(const QueryColumns&)>& on_columns,
                              const std::function<void(const std::vector<Cell>&)>& on_row,
                              std::chrono::milliseconds timeout) const {
  run_pg_read_query(uri_, sql, on_columns, on_row, timeout);
}

std::unique_ptr<CopySource> PgCrawlReader::open_copy_source() const {
  return pg::open_copy_source(uri_);
}

}  // namespace crawler::storage
