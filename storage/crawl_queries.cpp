// The read queries: see crawl_queries.hpp. Each goes to the backend the
// database's name points at.
#include "storage/crawl_queries.hpp"

#include "storage/crawl_store.hpp"
#include "storage/postgres/pg_crawl_queries.hpp"
#include "storage/sqlite/crawl_queries.hpp"

namespace crawler::storage {

std::vector<SearchHit> search_pages(const std::string& db, const std::string& query, int limit,
                                    const std::optional<std::string>& site, const std::string& open,
                                    const std::string& close) {
  return is_postgres_uri(db) ? pg::search_pages(db, query, limit, site, open, close)
                             : sqlite::search_pages(db, query, limit, site, open, close);
}

CrawlStats crawl_stats(const std::string& db, int top) {
  return is_postgres_uri(db) ? pg::crawl_stats(db, top) : sqlite::crawl_stats(db, top);
}

std::optional<PageView> page_view(const std::string& db, const std::string& url, int max_links) {
  return is_postgres_uri(db) ? pg::page_view(db, url, max_links)
                             : sqlite::page_view(db, url, max_links);
}

std::int64_t export_count(const std::string& db, bool exchanges) {
  return is_postgres_uri(db) ? pg::export_count(db, exchanges)
                             : sqlite::export_count(db, exchanges);
}

void for_each_exchange(const std::string& db,
                       const std::function<void(const ExportedExchange&)>& on_exchange) {
  is_postgres_uri(db) ? pg::for_each_exchange(db, on_exchange)
                      : sqlite::for_each_exchange(db, on_exchange);
}

void for_each_page(const std::string& db, const std::function<void(const ExportedPage&)>& on_page) {
  is_postgres_uri(db) ? pg::for_each_page(db, on_page) : sqlite::for_each_page(db, on_page);
}

}  // namespace crawler::storage
