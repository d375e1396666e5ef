// SqliteCrawlReader: the CrawlReader of one SQLite file. Each call opens the
// file read-only on its own connection (storage/sqlite/crawl_queries.hpp,
// read_query.hpp, sqlite_copy.hpp do the reading), so it runs beside a
// crawl that writes (WAL) and cannot change the file.
#pragma once

#include <string>

#include "storage/crawl_reader.hpp"

namespace crawler::storage {

class SqliteCrawlReader final : public CrawlReader {
 public:
  /// Reads the file at `path`; open_crawl_reader has checked that it exists.
  explicit SqliteCrawlReader(std::string path) : path_(std::move(path)) {}

  std::string name() const override { return path_; }
  std::vector<SearchHit> search(const std::string& query, int limit,
                                const std::optional<std::string>& site, const std::string& open,
                                const std::string& close) const override;
  CrawlStats stats(int top) const override;
  std::optional<PageView> page_view(const std::string& url, int max_links) const override;
  std::optional<UrlState> url_state(const std::string& url) const override;
  OriginQueue origin_queue(const std::string& origin, std::int64_t offset,
                           int limit) const override;
  std::optional<KeptRobotsTxt> kept_robots_txt(const std::string& origin) const override;
  std::int64_t export_count(bool exchanges) const override;
  void for_each_page(const std::function<void(const ExportedPage&)>& on_page) const override;
  void for_each_exchange(
      const std::function<void(const ExportedExchange&)>& on_exchange) const override;
  void run_query(const std::string& sql, const std::function<void(const QueryColumns&)>& on_columns,
                 const std::function<void(const std::vector<Cell>&)>& on_row,
                 std::chrono::milliseconds timeout) const override;
  std::unique_ptr<CopySource> open_copy_source() const override;

 private:
  std::string path_;
};

}  // namespace crawler::storage
