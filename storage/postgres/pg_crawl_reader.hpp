// PgCrawlReader: the CrawlReader of a PostgreSQL database. Each call makes
// its own connection and READ ONLY transaction (storage/postgres/
// pg_crawl_queries.hpp, pg_read_query.hpp, pg_copy.hpp do the reading), so
// a snapshot never outlives the call and each call sees what the fleet
// has committed by then.
#pragma once

#include <string>

#include "storage/crawl_reader.hpp"

namespace crawler::storage {

class PgCrawlReader final : public CrawlReader {
 public:
  /// Reads the database at `uri`; connects only when a call is made.
  explicit PgCrawlReader(std::string uri) : uri_(std::move(uri)) {}

  std::string name() const override;
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
  std::string uri_;
};

}  // namespace crawler::storage
