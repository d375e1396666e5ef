// What the console's JSON answers share: the encoder, times as Unix
// seconds, and an operator's order for an origin.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "crawler/engine/crawl_engine.hpp"

namespace crawler::console_json {

/// Crawled text may hold invalid UTF-8; it is replaced, never refused.
std::string dump(const nlohmann::json& value);
double unix_seconds_now();
/// A steady-clock time point as Unix seconds; null for "never" (the epoch).
nlohmann::json unix_seconds(TimePoint at);
/// The operator's order for `origin`, or null.
nlohmann::json order_object(const CrawlEngine& engine, const std::string& origin);

}  // namespace crawler::console_json
