// recorded_crawl: see recorded_crawl.hpp.
#include "bench/recorded_crawl.hpp"

#include <map>

#include "storage/sqlite/crawl_queries.hpp"

namespace crawler::bench {

namespace {

// The same URL under repetition `r`: "http://h:p/x" becomes "http://h:p/r3/x".
std::string repeated(const std::string& url, int r) {
  if (r == 0) return url;
  std::size_t authority = url.find("://");
  std::size_t path = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  if (path == std::string::npos) return url + "/r" + std::to_string(r) + "/";
  return url.substr(0, path) + "/r" + std::to_string(r) + url.substr(path);
}

}  // namespace

std::vector<storage::PageRecord> recorded_pages(const std::string& path) {
  using storage::Statement;
  auto db = storage::sqlite::open_for_reading(path);
  std::vector<storage::PageRecord> pages;
  std::map<std::int64_t, std::size_t> by_id;
  Statement stmt(db,
                 "SELECT id, url, coalesce(final_url, ''), depth, coalesce(status, 0),"
                 " coalesce(content_type, ''), coalesce(title, ''), bytes,"
                 " coalesce(duration_ms, 0), coalesce(text, ''), coalesce(content_hash, ''),"
                 " coalesce(address, '') FROM pages ORDER BY id");
  while (stmt.step()) {
    storage::PageRecord page;
    page.url = std::string(stmt.column_text(1));
    page.final_url = std::string(stmt.column_text(2));
    page.depth = static_cast<int>(stmt.column_int(3));
    page.status = static_cast<int>(stmt.column_int(4));
    page.content_type = std::string(stmt.column_text(5));
    page.title = std::string(stmt.column_text(6));
    page.bytes = stmt.column_int(7);
    page.duration_ms = sqlite3_column_double(stmt.get(), 8);
    page.text = std::string(stmt.column_text(9));
    page.content_hash = std::string(stmt.column_text(10));
    page.address = std::string(stmt.column_text(11));
    page.fetched_at_ms = 1'780'000'000'000;
    page.queued_depth = page.depth + 1;
    page.queued_source = storage::QueueSource::kLink;
    by_id[stmt.column_int(0)] = pages.size();
    pages.push_back(std::move(page));
  }
  Statement links(db,
                  "SELECT l.from_page, u.url FROM links l JOIN urls u ON u.id = l.to_url"
                  " ORDER BY l.from_page");
  while (links.step())
    pages[by_id.at(links.column_int(0))].links.emplace_back(links.column_text(1));
  Statement queued(db, "SELECT found_on, url FROM urls WHERE found_on IS NOT NULL ORDER BY id");
  while (queued.step())
    if (auto it = by_id.find(queued.column_int(0)); it != by_id.end())
      pages[it->second].queued.emplace_back(queued.column_text(1));
  return pages;
}

storage::PageRecord under(const storage::PageRecord& page, int r) {
  storage::PageRecord copy = page;
  copy.url = repeated(page.url, r);
  if (!copy.final_url.empty()) copy.final_url = repeated(page.final_url, r);
  for (auto& link : copy.links) link = repeated(link, r);
  for (auto& url : copy.queued) url = repeated(url, r);
  return copy;
}

}  // namespace crawler::bench
