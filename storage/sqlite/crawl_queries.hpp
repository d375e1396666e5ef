// The read queries of CrawlReader (storage/crawl_reader.hpp) on a SQLite file, opened read-only.
// SqliteCrawlReader calls these; nothing else should.
#pragma once

#include "storage/crawl_queries.hpp"
#include "storage/sqlite/sqlite.hpp"

namespace crawler::storage::sqlite {

/// Opens `path` read-only; refuses a database older than the queries need.
Database open_for_reading(const std::string& path);

std::vector<SearchHit> search_pages(const std::string& db, const std::string& query, int limit,
                                    const std::optional<std::string>& site, const std::string& open,
                                    const std::string& close);
CrawlStats crawl_stats(const std::string& db, int top);
std::optional<PageView> page_view(const std::string& db, const std::string& url, int max_links);
std::optional<UrlState> url_state(const std::string& db, const std::string& url);
OriginQueue origin_queue(const std::string& db, const std::string& origin, std::int64_t offset,
                         int limit);
std::optional<KeptRobotsTxt> kept_robots_txt(const std::string& db, const std::string& origin);
std::int64_t export_count(const std::string& db, bool exchanges);
void for_each_exchange(const std::string& db,
                       const std::function<void(const ExportedExchange&)>& on_exchange);
void for_each_page(const std::string& db, const std::function<void(const ExportedPage&)>& on_page);

}  // namespace crawler::storage::sqlite
