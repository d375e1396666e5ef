// sqlite_write_replay: the SQLite writer's CPU per page, alone. It replays
// the pages a crawl stored (text, links and the URLs each page queued, read
// from a crawl database) into a new SQLite file through PageStore, B pages a
// transaction, on one thread, the way the crawl's writer thread wrote them,
// and prints that thread's CPU time per page. Without the network and the
// parser beside it, the writer's cost is measured to a few percent, where a
// whole crawl on a busy machine moves by ten. The crawl is repeated R times
// under new paths to make it bigger (FTS5's merges grow with the index).
//
//   sqlite_write_replay --from crawl.db --to new.db [--batch B] [--repeat R]
//                       [--search-index on|off] [--sql STATEMENTS]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "storage/sqlite/crawl_queries.hpp"
#include "storage/sqlite/page_store.hpp"

namespace {

using crawler::storage::PageRecord;

struct Options {
  std::string from, to;
  std::size_t batch = 120;  // what bench/crawl_site's writer found waiting, on average
  int repeat = 1;
  bool index_text = true;
  std::string sql;  // run on a second connection once the store is open (e.g. FTS5 settings)
};

// The same URL under repetition `r`: "http://h:p/x" becomes "http://h:p/r3/x".
std::string repeated(const std::string& url, int r) {
  if (r == 0) return url;
  std::size_t authority = url.find("://");
  std::size_t path = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  if (path == std::string::npos) return url + "/r" + std::to_string(r) + "/";
  return url.substr(0, path) + "/r" + std::to_string(r) + url.substr(path);
}

// Every stored page of the crawl as the writer got it, in the order stored.
std::vector<PageRecord> recorded_pages(const std::string& path) {
  using crawler::storage::Statement;
  auto db = crawler::storage::sqlite::open_for_reading(path);
  std::vector<PageRecord> pages;
  std::map<std::int64_t, std::size_t> by_id;
  Statement stmt(db,
                 "SELECT id, url, coalesce(final_url, ''), depth, coalesce(status, 0),"
                 " coalesce(content_type, ''), coalesce(title, ''), bytes,"
                 " coalesce(duration_ms, 0), coalesce(text, ''), coalesce(content_hash, ''),"
                 " coalesce(address, '') FROM pages ORDER BY id");
  while (stmt.step()) {
    PageRecord page;
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
    page.queued_source = crawler::storage::QueueSource::kLink;
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

PageRecord under(const PageRecord& page, int r) {
  PageRecord copy = page;
  copy.url = repeated(page.url, r);
  if (!copy.final_url.empty()) copy.final_url = repeated(page.final_url, r);
  for (auto& link : copy.links) link = repeated(link, r);
  for (auto& url : copy.queued) url = repeated(url, r);
  return copy;
}

// This thread's CPU time, user and system, in seconds.
std::pair<double, double> thread_cpu_s() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--from")
      options.from = value;
    else if (flag == "--to")
      options.to = value;
    else if (flag == "--batch")
      options.batch = static_cast<std::size_t>(std::atoi(value.c_str()));
    else if (flag == "--repeat")
      options.repeat = std::atoi(value.c_str());
    else if (flag == "--search-index")
      options.index_text = value != "off";
    else if (flag == "--sql")
      options.sql = value;
    else {
      std::fprintf(stderr, "sqlite_write_replay: unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  if (options.from.empty() || options.to.empty() || options.batch < 1 || options.repeat < 1) {
    std::fprintf(stderr,
                 "usage: sqlite_write_replay --from crawl.db --to new.db [--batch B]"
                 " [--repeat R] [--search-index on|off] [--sql STATEMENTS]\n");
    std::exit(2);
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse(argc, argv);
  std::vector<PageRecord> recorded = recorded_pages(options.from);
  std::vector<PageRecord> pages;
  pages.reserve(recorded.size() * static_cast<std::size_t>(options.repeat));
  std::vector<std::string> seeds;
  for (int r = 0; r < options.repeat; ++r)
    for (const PageRecord& page : recorded) {
      pages.push_back(under(page, r));
      if (page.depth == 0) seeds.push_back(pages.back().url);
    }
  crawler::storage::PageStore store(options.to, options.index_text);
  store.queue(seeds, 0);
  if (!options.sql.empty()) {
    crawler::storage::Database side(options.to, SQLITE_OPEN_READWRITE);
    side.exec(options.sql);
  }
  auto [user_before, sys_before] = thread_cpu_s();
  auto started = std::chrono::steady_clock::now();
  std::size_t batches = 0;
  for (std::size_t i = 0; i < pages.size(); i += options.batch) {
    std::size_t n = std::min(options.batch, pages.size() - i);
    store.write(std::span(pages.data() + i, n));
    ++batches;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  auto [user_after, sys_after] = thread_cpu_s();
  double user = user_after - user_before, sys = sys_after - sys_before;
  std::int64_t stored = store.page_count();
  std::printf(
      "pages=%zu stored=%lld batches=%zu seconds=%.3f cpu_s=%.3f user_s=%.3f sys_s=%.3f "
      "cpu_ms_per_page=%.4f\n",
      pages.size(), static_cast<long long>(stored), batches, seconds, user + sys, user, sys,
      1000.0 * (user + sys) / static_cast<double>(pages.size()));
  return stored == static_cast<std::int64_t>(pages.size()) ? 0 : 1;
}
