// SqliteCrawlReader: see sqlite_crawl_reader.hpp.
#include "storage/sqlite/sqlite_crawl_reader.hpp"

#include "storage/sqlite/crawl_queries.hpp"
#include "storage/sqlite/read_query.hpp"
#include "storage/sqlite/sqlite_copy.hpp"

namespace crawler::storage {

std::vector<SearchHit> SqliteCrawlReader::search(const std::string& query, int limit,
                                                 const std::optional<std::string>& site,
                                                 const std::string& open,
                                                 const std::string& close) const {
  return sqlite::search_pages(path_, query, limit, site, open, close);
}

CrawlStats SqliteCrawlReader::stats(int top) const {
  return sqlite::crawl_stats(path_, top);
}

std::optional<PageView> SqliteCrawlReader::page_view(const std::string& url, int max_links) const {
  return sqlite::page_view(path_, url, max_links);
}

std::optional<UrlState> SqliteCrawlReader::url_state(const std::string& url) const {
  return sqlite::url_state(path_, url);
}

OriginQueue SqliteCrawlReader::origin_queue(const std::string& origin, std::int64_t offset,
                                            int limit) const {
  return sqlite::origin_queue(path_, origin, offset, limit);
}

std::optional<KeptRobotsTxt> SqliteCrawlReader::kept_robots_txt(const std::string& origin) const {
  return sqlite::kept_robots_txt(path_, origin);
}

std::int64_t SqliteCrawlReader::export_count(bool exchanges) const {
  return sqlite::export_count(path_, exchanges);
}

void SqliteCrawlReader::for_each_page(
    const std::function<void(const ExportedPage&)>& on_page) const {
  sqlite::for_each_page(path_, on_page);
}

void SqliteCrawlReader::for_each_exchange(
    const std::function<void(const ExportedExchange&)>& on_exchange) const {
  sqlite::for_each_exchange(path_, on_exchange);
}

void SqliteCrawlReader::run_query(const std::string& sql,
                                  const std::function<void(const QueryColumns&)>& on_columns,
                                  const std::function<void(const std::vector<Cell>&)>& on_row,
                                  std::chrono::milliseconds timeout) const {
  run_sqlite_read_query(path_, sql, on_columns, on_row, timeout);
}

std::unique_ptr<CopySource> SqliteCrawlReader::open_copy_source() const {
  return sqlite::open_copy_source(path_);
}

}  // namespace crawler::storage
