// The one definition of every counter and gauge the crawl reports: its name,
// kind, field of CrawlSummary or CrawlEngine::Gauges, Prometheus family (and
// label), console key, title, help and place in the end-of-crawl summary.
// /metrics, /status, the console API (and through it the console page) and
// the summary printed by `crawler crawl` are all rendered from kCounters; the
// engine only increments fields. A new counter is one field and one row.
// Names, JSON keys and metric names are stable: dashboards depend on them.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "crawler/engine/crawl_engine.hpp"

namespace crawler {

/// Counters only grow during a crawl; gauges say what is true now. Gauges are
/// not in the end-of-crawl summary: it is printed once the engine is gone.
enum class CounterKind { kCounter, kGauge };

/// How the console shows a value. kMilliseconds: the field holds seconds and
/// the console API sends milliseconds.
enum class CounterUnit { kCount, kBytes, kSeconds, kMilliseconds, kBoolean };

/// The lines of the end-of-crawl summary, in print order. A line with
/// nothing to print (a map with no entries, say) is left out.
enum class SummaryLine { kNone, kMain, kFetched, kResponses, kErrors, kWrites, kStored, kSkipped };

/// The field a row reads. Maps and the status-class array are labelled
/// families: one sample per key.
using CounterField =
    std::variant<std::size_t CrawlSummary::*, double CrawlSummary::*,
                 std::map<std::string, std::size_t> CrawlSummary::*,
                 std::array<std::size_t, 6> CrawlSummary::*, std::size_t CrawlEngine::Gauges::*,
                 double CrawlEngine::Gauges::*, bool CrawlEngine::Gauges::*,
                 std::optional<std::size_t> CrawlEngine::Gauges::*>;

struct Counter {
  std::string_view name;  // snake_case, unique: the /status key and the summary's key
  CounterKind kind;
  CounterField field;
  // Prometheus family. Rows may share one (then they are adjacent and each
  // sets `label`); the family's HELP is its first row's `help`.
  std::string_view metric;
  // A scalar in a shared family: its label name and value ("outcome",
  // "denied"). A map: the label its keys go under ("reason").
  std::string_view label = {};
  std::string_view label_value = {};
  std::string_view help = {};   // a sentence
  std::string_view title = {};  // the console's label: "Pages stored"
  CounterUnit unit = CounterUnit::kCount;
  // /api/overview: the key (default: name), and the object that holds a
  // scalar: "totals" (default for counters) or "gauges" (for gauges). A map
  // is an object of its own at the top under its key.
  std::string_view json_key = {};
  std::string_view json_group = {};
  // The end-of-crawl summary (counters only): its line and key (default:
  // name). A map prints `key=total by kind: a=1 b=2` when `summary_total`,
  // else just `a=1 b=2`.
  SummaryLine summary = SummaryLine::kNone;
  std::string_view summary_key = {};
  bool summary_total = false;

  std::string_view console_key() const { return json_key.empty() ? name : json_key; }
  std::string_view console_group() const {
    if (!json_group.empty()) return json_group;
    return kind == CounterKind::kCounter ? "totals" : "gauges";
  }
  std::string_view summary_name() const { return summary_key.empty() ? name : summary_key; }
  /// A labelled family with one sample per key of a map or per status class.
  bool by_label() const;
};

/// Every counter and gauge, in the order the faces show them.
std::span<const Counter> counter_table();

/// A row's value: a number (booleans are 0 or 1), or for a labelled row the
/// samples by label value, in key order. Not `known`: a gauge the crawl
/// cannot tell now (the faces show no number, never a 0).
struct CounterValue {
  double number = 0;
  std::map<std::string, double> by_label;
  bool is_boolean = false;
  bool known = true;
};
CounterValue counter_value(const Counter& row, const CrawlSummary& counters,
                           const CrawlEngine::Gauges& gauges);

/// The summary `crawler crawl` prints when it ends: the counter rows on their
/// lines, with the run's seconds and pages per second on the first line.
std::string summary_text(const CrawlSummary& summary);

}  // namespace crawler
