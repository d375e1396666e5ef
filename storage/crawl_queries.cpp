// The read queries: see crawl_queries.hpp. Each goes to the backend the
// database's name points at.
#include "storage/crawl_queries.hpp"

#include <algorithm>

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

std::vector<std::string> redirect_chain(
    const std::string& url, const std::string& redirect_to, int hops,
    const std::function<std::string(const std::string&)>& redirected_from,
    const std::function<std::string(const std::string&)>& leads_to) {
  std::vector<std::string> before;
  for (std::string at = url; static_cast<int>(before.size()) < hops;) {
    at = redirected_from(at);
    if (at.empty() || at == url || std::find(before.begin(), before.end(), at) != before.end())
      break;
    before.push_back(at);
  }
  std::vector<std::string> chain(before.rbegin(), before.rend());
  chain.push_back(url);
  for (std::string next = redirect_to; !next.empty() && static_cast<int>(chain.size()) < 2 * hops;
       next = leads_to(next)) {
    if (std::find(chain.begin(), chain.end(), next) != chain.end()) break;
    chain.push_back(next);
  }
  return chain;
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
