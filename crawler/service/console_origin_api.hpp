// An origin and a URL as the console's API answers them (GET /api/origin,
// GET /api/url): the part the loop knows (the frontier, the crawl log, the
// operator's order, queue admission's skips) and the part read from the
// database on the thread pool.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crawler/engine/crawl_engine.hpp"
#include "storage/crawl_reader.hpp"

namespace crawler {

/// `text` if it is an origin as the crawl writes one (scheme://host[:port],
/// normalized: "http://a.test", not "HTTP://a.test:80/").
std::optional<std::string> origin_param(std::string_view text);

/// GET /api/origin, the part the loop answers: the operator's order, the
/// frontier's view (queued, politeness, next fetch), the tally, and the
/// origin's most recent fetches and failures from the crawl log.
std::string origin_json(const CrawlEngine& engine, const std::string& origin);

/// GET /api/origin, the part read from the database (on the thread pool):
/// `limit` queued URLs from `offset`, oldest first, how many are queued,
/// and robots.txt as fetched and kept. Throws storage::StorageError.
std::string origin_stored_json(const storage::CrawlReader& reader, const std::string& origin,
                               std::int64_t offset, int limit);

/// An operator's order as the API shows it.
std::string origin_order_json(const CrawlEngine& engine, const std::string& origin);

/// GET /api/url, the part the loop answers: whether the frontier holds the
/// URL, why queue admission skipped it (if it is among the last skips
/// kept), and its origin's order.
std::string url_json(const CrawlEngine& engine, const std::string& url);
/// GET /api/url, the part read from the database (on the thread pool): its
/// row of url_states (state, depth, source, found on, attempts, last error,
/// fetched at, next visit), or null. `key` is the URL's crawl key.
std::string url_stored_json(const storage::CrawlReader& reader, const std::string& key);

}  // namespace crawler
