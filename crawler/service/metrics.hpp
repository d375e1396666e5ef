// The daemon's observable state as text: Prometheus exposition format for
// /metrics and a JSON object for /status, both rendered row by row from the
// counter table (counter_table.hpp). Metric names are stable: dashboards
// depend on them.
#pragma once

#include <string>

#include "crawler/engine/crawl_engine.hpp"

namespace crawler {

std::string prometheus_text(const CrawlSummary& counters, const CrawlEngine::Gauges& gauges);
std::string status_json(const CrawlSummary& counters, const CrawlEngine::Gauges& gauges);

}  // namespace crawler
