// The read queries of storage/crawl_queries.hpp on PostgreSQL: the same
// answers as on SQLite, from the same tables and columns. Full-text search
// uses the pages.search tsvector; exports walk a cursor, so a table of
// millions of pages is never held in memory at once.
#include "storage/postgres/pg_crawl_queries.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

#include "storage/page_record.hpp"
#include "storage/postgres/pg.hpp"
#include "storage/postgres/pg_reader.hpp"
#include "storage/postgres/search_terms.hpp"

namespace crawler::storage::pg {

namespace {

std::int64_t scalar(Reader& reader, const std::string& sql) {
  return reader.conn().exec(sql).int64(0, 0);
}

std::vector<Count> counts(Reader& reader, const std::string& sql) {
  Result result = reader.conn().exec(sql);
  std::vector<Count> out;
  for (int row = 0; row < result.rows(); ++row)
    out.push_back({std::string(result.text(row, 0)), result.int64(row, 1)});
  return out;
}

std::string text(const Result& result, int row, int column) {
  return std::string(result.text(row, column));
}

// The columns of an ExportedPage, in the order read_page_columns() takes
// them first in a row; `text` is the expression for the page's text.
std::string page_columns(std::string_view text = "text") {
  return "url, coalesce(final_url, ''), coalesce(content_type, ''), coalesce(title, ''),"
         " fetched_at, coalesce(error, ''), coalesce(redirect_to, ''), coalesce(" +
         std::string(text) + ", ''), coalesce(status, 0), depth, bytes, coalesce(duration_ms, 0)";
}
constexpr int kPageColumnCount = 12;

void read_page_columns(const Result& result, int row, ExportedPage& page) {
  page.url = text(result, row, 0);
  page.final_url = text(result, row, 1);
  page.content_type = text(result, row, 2);
  page.title = text(result, row, 3);
  page.fetched_at = text(result, row, 4);
  page.error = text(result, row, 5);
  page.redirect_to = text(result, row, 6);
  page.text = text(result, row, 7);
  page.status = result.int64(row, 8);
  page.depth = result.int64(row, 9);
  page.bytes = result.int64(row, 10);
  page.duration_ms = result.real(row, 11);
}

const std::string kNowMs = "(extract(epoch FROM now()) * 1000)::bigint";

}  // namespace

std::vector<SearchHit> search_pages(const std::string& db, const std::string& query, int limit,
                                    const std::optional<std::string>& site, const std::string& open,
                                    const std::string& close) {
  Reader reader(db);
  // Query words are split as page words were (search_terms.hpp).
  std::string terms = search_query_literal(query);
  if (terms.empty()) return {};
  // Titles weigh A and text B in the column, as the SQLite index weighs
  // titles above text.
  std::string options = "StartSel=\"" + open + "\", StopSel=\"" + close +
                        "\", MaxWords=16, MinWords=6, MaxFragments=1, FragmentDelimiter=\" … \"";
  Result found = reader.conn().exec(
      "SELECT url, coalesce(title, ''), ts_headline('simple', left(coalesce(text, ''), 100000),"
      " q, $4), -ts_rank(search, q) AS rank FROM pages, CAST($1 AS tsquery) AS q"
      " WHERE search @@ q AND ($2::text IS NULL OR url LIKE '%://' || $2 || '/%'"
      "   OR url LIKE '%://' || $2 || ':%')"
      " ORDER BY rank, id LIMIT $3",
      {terms, site ? Param{*site} : Param{}, std::to_string(limit), options});
  std::vector<SearchHit> hits;
  for (int row = 0; row < found.rows(); ++row)
    hits.push_back(
        {text(found, row, 0), text(found, row, 1), text(found, row, 2), found.real(row, 3)});
  return hits;
}

CrawlStats crawl_stats(const std::string& db, int top) {
  Reader reader(db);
  CrawlStats stats;
  stats.pages = scalar(reader, "SELECT count(*) FROM pages");
  stats.urls_known = scalar(reader, "SELECT count(*) FROM urls");
  stats.urls_queued = scalar(reader, "SELECT count(*) FROM urls WHERE state = 'queued'");
  stats.links = scalar(reader, "SELECT count(*) FROM links");
  stats.bytes = scalar(reader, "SELECT coalesce(sum(bytes), 0) FROM pages");
  Result span = reader.conn().exec(
      "SELECT coalesce(min(fetched_at), ''), coalesce(max(fetched_at), '') FROM pages");
  stats.first_fetch = text(span, 0, 0);
  stats.last_fetch = text(span, 0, 1);
  stats.by_status = counts(
      reader,
      "SELECT coalesce(status::text, 'none'), count(*) FROM pages GROUP BY 1 ORDER BY 2 DESC, 1");
  stats.by_content_type =
      counts(reader,
             "SELECT coalesce(lower(trim(split_part(content_type, ';', 1))), 'none'), count(*)"
             " FROM pages GROUP BY 1 ORDER BY 2 DESC, 1");
  stats.top_hosts =
      counts(reader,
             "SELECT split_part(split_part(url, '://', 2), '/', 1), count(*) FROM pages"
             " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT " +
                 std::to_string(top));
  stats.errors = counts(
      reader,
      "SELECT error, count(*) FROM pages WHERE error IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1");
  stats.per_minute =
      counts(reader, "SELECT substr(fetched_at, 1, 16), count(*) FROM pages GROUP BY 1 ORDER BY 1");
  Result fleet = reader.conn().exec(
      "SELECT w.name, (NOT w.stopped AND w.seen_ms >= " + kNowMs +
      " - 10000)::int, count(h.origin), w.pages,"
      " w.pages * 1000.0 / greatest(w.seen_ms - w.started_ms, 1)"
      " FROM workers w LEFT JOIN hosts h ON h.holder = w.id AND h.lease_until >= " +
      kNowMs + " WHERE w.seen_ms >= " + kNowMs + " - 600000 GROUP BY w.id ORDER BY w.id");
  for (int row = 0; row < fleet.rows(); ++row)
    stats.fleet.push_back({text(fleet, row, 0), fleet.int64(row, 1) != 0, fleet.int64(row, 2),
                           fleet.int64(row, 3), fleet.real(row, 4)});
  return stats;
}

std::int64_t export_count(const std::string& db, bool exchanges) {
  Reader reader(db);
  return scalar(reader,
                exchanges ? "SELECT count(*) FROM responses" : "SELECT count(*) FROM pages");
}

void for_each_page(const std::string& db, const std::function<void(const ExportedPage&)>& on_page) {
  Reader reader(db);
  ExportedPage page;
  reader.for_each_row("SELECT " + page_columns() + " FROM pages ORDER BY id",
                      [&](const Result& result, int row) {
                        read_page_columns(result, row, page);
                        on_page(page);
                      });
}

void for_each_exchange(const std::string& db,
                       const std::function<void(const ExportedExchange&)>& on_exchange) {
  Reader reader(db);
  ExportedExchange exchange;
  reader.for_each_row(
      "SELECT p.url, p.fetched_at, r.request, r.head, r.body, r.body_size"
      " FROM responses r JOIN pages p ON p.id = r.page_id ORDER BY p.id",
      [&](const Result& result, int row) {
        exchange.url = text(result, row, 0);
        exchange.fetched_at = text(result, row, 1);
        exchange.request = result.null(row, 2) ? "" : bytes_of_bytea(result.text(row, 2));
        exchange.head = bytes_of_bytea(result.text(row, 3));
        auto body = inflate_text(bytes_of_bytea(result.text(row, 4)),
                                 static_cast<std::size_t>(result.int64(row, 5)));
        if (!body)
          throw StorageError("PostgreSQL database '" + reader.conn().name() +
                                 "': a kept response body is damaged (" + exchange.url + ")",
                             Failure::kOperation);
        exchange.body = std::move(*body);
        on_exchange(exchange);
      });
}

namespace {

// At most `limit` URLs `list` finds for `id`, and how many `count` finds in all.
std::pair<std::vector<std::string>, std::int64_t> linked_urls(Connection& conn,
                                                              const std::string& list,
                                                              const std::string& count,
                                                              std::int64_t id, int limit) {
  Result listed = conn.exec(list, {std::to_string(id), std::to_string(limit)});
  std::vector<std::string> urls;
  for (int row = 0; row < listed.rows(); ++row) urls.push_back(text(listed, row, 0));
  return {std::move(urls), conn.exec(count, {std::to_string(id)}).int64(0, 0)};
}

}  // namespace

std::optional<PageView> page_view(const std::string& db, const std::string& url, int max_links) {
  Reader reader(db);
  Connection& conn = reader.conn();
  Result found = conn.exec("SELECT " + page_columns("substr(text, 1, 2000)") +
                               ", id, coalesce(error_detail, ''), next_visit_ms, url_id FROM pages"
                               " WHERE url_id = (SELECT id FROM urls WHERE url = $1)",
                           {url});
  if (found.rows() == 0) return std::nullopt;
  PageView view;
  read_page_columns(found, 0, view.page);
  std::int64_t id = found.int64(0, kPageColumnCount);
  view.error_detail = text(found, 0, kPageColumnCount + 1);
  if (!found.null(0, kPageColumnCount + 2))
    view.next_visit_ms = found.int64(0, kPageColumnCount + 2);
  std::int64_t url_id = found.int64(0, kPageColumnCount + 3);

  Result head = conn.exec("SELECT head FROM responses WHERE page_id = $1", {std::to_string(id)});
  if (head.rows() > 0) view.head = bytes_of_bytea(head.text(0, 0));
  auto look_up = [&conn](const char* sql, const std::string& url) {
    Result found = conn.exec(sql, {url});
    return found.rows() > 0 ? text(found, 0, 0) : std::string();
  };
  view.redirects = redirect_chain(
      view.page.url, view.page.redirect_to, 10,
      [&](const std::string& url) {
        return look_up("SELECT url FROM pages WHERE redirect_to = $1 LIMIT 1", url);
      },
      [&](const std::string& url) {
        return look_up(
            "SELECT coalesce(redirect_to, '') FROM pages"
            " WHERE url_id = (SELECT id FROM urls WHERE url = $1)",
            url);
      });
  std::tie(view.links_out, view.links_out_total) = linked_urls(
      conn,
      "SELECT u.url FROM links l JOIN urls u ON u.id = l.to_url WHERE l.from_page = $1 LIMIT $2",
      "SELECT count(*) FROM links WHERE from_page = $1", id, max_links);
  std::tie(view.links_in, view.links_in_total) = linked_urls(
      conn,
      "SELECT p.url FROM links l JOIN pages p ON p.id = l.from_page WHERE l.to_url = $1 LIMIT $2",
      "SELECT count(*) FROM links WHERE to_url = $1", url_id, max_links);
  return view;
}

namespace {

std::optional<std::string> optional_text(const Result& result, int row, int column) {
  if (result.null(row, column)) return std::nullopt;
  return text(result, row, column);
}

std::optional<std::int64_t> optional_int(const Result& result, int row, int column) {
  if (result.null(row, column)) return std::nullopt;
  return result.int64(row, column);
}

}  // namespace

std::optional<UrlState> url_state(const std::string& db, const std::string& url) {
  Reader reader(db);
  Result found = reader.conn().exec(
      "SELECT state, depth, source, found_on, attempts, last_error, fetched_at, next_visit_ms"
      " FROM url_states WHERE url = $1",
      {url});
  if (found.rows() == 0) return std::nullopt;
  return UrlState{text(found, 0, 0),          optional_int(found, 0, 1), optional_text(found, 0, 2),
                  optional_text(found, 0, 3), optional_int(found, 0, 4), optional_text(found, 0, 5),
                  optional_text(found, 0, 6), optional_int(found, 0, 7)};
}

OriginQueue origin_queue(const std::string& db, const std::string& origin, std::int64_t offset,
                         int limit) {
  Reader reader(db);
  Connection& conn = reader.conn();
  OriginQueue queue;
  Result listed = conn.exec(
      "SELECT url, depth, source FROM urls WHERE state = 'queued' AND origin = $1"
      " ORDER BY id LIMIT $2 OFFSET $3",
      {origin, std::to_string(limit), std::to_string(offset)});
  for (int row = 0; row < listed.rows(); ++row)
    queue.urls.push_back(
        {text(listed, row, 0), optional_int(listed, row, 1), optional_text(listed, row, 2)});
  queue.total =
      conn.exec("SELECT count(*) FROM urls WHERE state = 'queued' AND origin = $1", {origin})
          .int64(0, 0);
  return queue;
}

std::optional<KeptRobotsTxt> kept_robots_txt(const std::string& db, const std::string& origin) {
  Reader reader(db);
  Result found = reader.conn().exec(
      "SELECT status, http_status, body, fetched_at_ms FROM robots WHERE origin = $1", {origin});
  if (found.rows() == 0) return std::nullopt;
  return KeptRobotsTxt{text(found, 0, 0), optional_int(found, 0, 1), optional_text(found, 0, 2),
                       found.int64(0, 3)};
}

}  // namespace crawler::storage::pg
