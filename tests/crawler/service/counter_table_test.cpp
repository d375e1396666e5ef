// The counter table and its faces agree: every row is rendered by /metrics,
// /status, the console API and (counters) the end-of-crawl summary, with its
// value, and no face renders a number that is not a row of the table.
#include "crawler/service/counter_table.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

#include "crawler/async/loop.hpp"
#include "crawler/service/console_api.hpp"
#include "crawler/service/console_history.hpp"
#include "crawler/service/metrics.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace crawler {
namespace {

using nlohmann::json;

// A crawl's counters and gauges where every row has a value of its own, and
// every labelled row one key ("k_NAME"; status classes have theirs).
struct Filled {
  CrawlSummary counters;
  CrawlEngine::Gauges gauges;
};

Filled filled() {
  Filled f;
  std::size_t next = 1000;
  for (const Counter& row : counter_table()) {
    next += 17;
    std::visit(
        [&](auto member) {
          using Member = decltype(member);
          if constexpr (std::is_same_v<Member, std::size_t CrawlSummary::*>) {
            f.counters.*member = next;
          } else if constexpr (std::is_same_v<Member, double CrawlSummary::*>) {
            f.counters.*member = static_cast<double>(next) + 0.25;
          } else if constexpr (std::is_same_v<Member,
                                              std::map<std::string, std::size_t> CrawlSummary::*>) {
            (f.counters.*member)["k_" + std::string(row.name)] = next;
          } else if constexpr (std::is_same_v<Member, std::array<std::size_t, 6> CrawlSummary::*>) {
            for (std::size_t k = 1; k <= 5; ++k) (f.counters.*member)[k] = next + k;
          } else if constexpr (std::is_same_v<Member, bool CrawlEngine::Gauges::*>) {
            f.gauges.*member = !(f.gauges.*member);  // away from the default
          } else if constexpr (std::is_same_v<Member, double CrawlEngine::Gauges::*>) {
            f.gauges.*member = static_cast<double>(next) + 0.25;
          } else {
            f.gauges.*member = next;
          }
        },
        row.field);
  }
  f.counters.seconds = 12.5;
  return f;
}

// What a face must show for a row: one number, or one per label value.
std::map<std::string, double> expected_samples(const Counter& row, const Filled& f) {
  CounterValue value = counter_value(row, f.counters, f.gauges);
  if (row.by_label()) return {value.by_label.begin(), value.by_label.end()};
  return {{"", value.number}};
}

// ---- The table itself ---------------------------------------------------------

TEST(CounterTableTest, RowsHaveUniqueNamesKeysAndSamples) {
  std::set<std::string_view> names, keys, summary_keys;
  std::set<std::pair<std::string_view, std::string_view>> samples;
  std::set<std::string_view> families_done;
  std::string_view family;
  for (const Counter& row : counter_table()) {
    SCOPED_TRACE(row.name);
    EXPECT_TRUE(names.insert(row.name).second);
    EXPECT_TRUE(keys.insert(row.console_key()).second);
    EXPECT_TRUE(samples.insert({row.metric, row.label_value}).second);
    EXPECT_FALSE(row.help.empty());
    EXPECT_FALSE(row.title.empty());
    EXPECT_TRUE(row.metric.starts_with("crawler_"));
    // Prometheus: counters end in _total, gauges do not.
    EXPECT_EQ(row.metric.ends_with("_total"), row.kind == CounterKind::kCounter);
    // A family's rows are adjacent, so it is declared once.
    if (row.metric != family) {
      EXPECT_TRUE(families_done.insert(row.metric).second) << row.metric << " split";
      family = row.metric;
    }
    EXPECT_EQ(row.by_label() || !row.label_value.empty(), !row.label.empty());
    // Counters are in the summary; gauges are not (it is printed after the crawl).
    EXPECT_EQ(row.summary != SummaryLine::kNone, row.kind == CounterKind::kCounter);
    if (row.summary != SummaryLine::kNone && !row.by_label()) {
      EXPECT_TRUE(summary_keys.insert(row.summary_name()).second);
    }
  }
}

// ---- /metrics -----------------------------------------------------------------

// One sample line, name{label="value"} number or name number (std::regex
// is avoided: GCC 12 warns inside it under the sanitizers).
struct Sample {
  std::string name;
  std::string label_value;
  double value = 0;
};

std::optional<Sample> parse_sample(const std::string& line) {
  auto space = line.rfind(' ');
  if (space == std::string::npos) return std::nullopt;
  Sample sample;
  std::string head = line.substr(0, space);
  try {
    sample.value = std::stod(line.substr(space + 1));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto brace = head.find('{');
  if (brace == std::string::npos) {
    sample.name = head;
  } else {
    auto quote = head.find('"', brace);
    auto close = head.rfind('"');
    if (quote == std::string::npos || close <= quote || head.back() != '}') return std::nullopt;
    sample.name = head.substr(0, brace);
    sample.label_value = head.substr(quote + 1, close - quote - 1);
  }
  for (char c : sample.name)
    if (!(c == '_' || (c >= 'a' && c <= 'z'))) return std::nullopt;
  return sample;
}

TEST(CounterTableTest, MetricsShowEveryRowAndNothingElse) {
  Filled f = filled();
  std::string text = prometheus_text(f.counters, f.gauges);

  // name{label="value"} number, parsed without the table's help.
  std::map<std::pair<std::string, std::string>, double> shown;
  std::map<std::string, std::string> types;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("# TYPE ")) {
      std::istringstream words(line.substr(7));
      std::string name, kind;
      words >> name >> kind;
      EXPECT_TRUE(kind == "counter" || kind == "gauge") << line;
      EXPECT_TRUE(types.emplace(name, kind).second) << "declared twice: " << line;
    } else if (line.starts_with("# HELP ")) {
      continue;
    } else {
      auto sample = parse_sample(line);
      ASSERT_TRUE(sample) << line;
      EXPECT_TRUE(shown.emplace(std::pair{sample->name, sample->label_value}, sample->value).second)
          << "twice: " << line;
    }
  }

  std::size_t expected = 0;
  for (const Counter& row : counter_table()) {
    SCOPED_TRACE(row.name);
    std::string metric(row.metric);
    EXPECT_EQ(types[metric], row.kind == CounterKind::kCounter ? "counter" : "gauge");
    for (const auto& [label, value] : expected_samples(row, f)) {
      std::string label_value = row.by_label() ? label : std::string(row.label_value);
      auto at = shown.find({metric, label_value});
      ASSERT_NE(at, shown.end()) << metric << " " << label_value << " missing in\n" << text;
      EXPECT_DOUBLE_EQ(at->second, value) << metric << " " << label_value;
      ++expected;
    }
  }
  // Nothing rendered beside the table.
  EXPECT_EQ(shown.size(), expected) << text;
  std::set<std::string> families;
  for (const Counter& row : counter_table()) families.emplace(row.metric);
  for (const auto& [name, kind] : types) EXPECT_TRUE(families.contains(name)) << name;
}

// A gauge the crawl cannot tell (a store that keeps no count of its queued
// URLs) is unknown on every face, never a 0: no Prometheus sample, null in
// /status and in the console API (which the page shows as "unknown").
TEST(CounterTableTest, AGaugeTheCrawlCannotTellIsUnknownNotZero) {
  Filled f = filled();
  f.gauges.queued_stored.reset();
  std::string text = prometheus_text(f.counters, f.gauges);
  EXPECT_THAT(text, ::testing::HasSubstr("# TYPE crawler_frontier_queued_stored gauge"));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("\ncrawler_frontier_queued_stored ")));
  EXPECT_TRUE(json::parse(status_json(f.counters, f.gauges))["queued_stored"].is_null());
  json console = json::parse(counters_json(f.counters, f.gauges));
  EXPECT_TRUE(console["gauges"]["queued_stored"].is_null());
  for (const json& entry : console["counters"]) {
    if (entry["key"] == "queued_stored") {
      EXPECT_TRUE(entry["value"].is_null());
    }
  }

  f.gauges.queued_stored = 0;  // known, and empty: a number
  EXPECT_THAT(prometheus_text(f.counters, f.gauges),
              ::testing::HasSubstr("\ncrawler_frontier_queued_stored 0\n"));
  EXPECT_EQ(json::parse(counters_json(f.counters, f.gauges))["gauges"]["queued_stored"], 0);
}

// ---- /status ------------------------------------------------------------------

TEST(CounterTableTest, StatusShowsEveryRowAndNothingElse) {
  Filled f = filled();
  json status = json::parse(status_json(f.counters, f.gauges));
  std::set<std::string> known = {"waiting", "pages_per_second"};  // not counters
  for (const Counter& row : counter_table()) {
    SCOPED_TRACE(row.name);
    std::string name(row.name);
    known.insert(name);
    ASSERT_TRUE(status.contains(name));
    const json& shown = status[name];
    for (const auto& [label, value] : expected_samples(row, f)) {
      const json& number = row.by_label() ? shown.at(label) : shown;
      if (number.is_boolean())
        EXPECT_EQ(number.get<bool>(), value != 0);
      else
        EXPECT_DOUBLE_EQ(number.get<double>(), value);
    }
    if (row.by_label()) {
      EXPECT_EQ(shown.size(), expected_samples(row, f).size());
    }
  }
  for (const auto& [key, value] : status.items()) EXPECT_TRUE(known.contains(key)) << key;
}

// ---- The console API ----------------------------------------------------------

double console_number(const Counter& row, double value) {
  return row.unit == CounterUnit::kMilliseconds ? value * 1000 : value;
}

TEST(CounterTableTest, ConsoleApiShowsEveryRowAndNothingElse) {
  Filled f = filled();
  json out = json::parse(counters_json(f.counters, f.gauges));
  ASSERT_EQ(out["counters"].size(), counter_table().size());
  std::set<std::string> scalar_keys, labelled_keys;
  std::size_t i = 0;
  for (const Counter& row : counter_table()) {
    SCOPED_TRACE(row.name);
    std::string key(row.console_key());
    const json& entry = out["counters"][i++];
    EXPECT_EQ(entry["key"], key);
    EXPECT_EQ(entry["title"], std::string(row.title));
    EXPECT_EQ(entry["help"], std::string(row.help));
    EXPECT_EQ(entry["group"], std::string(row.console_group()));
    for (const auto& [label, value] : expected_samples(row, f)) {
      double wanted = console_number(row, value);
      const json& in_list = row.by_label() ? entry["labels"].at(label) : entry["value"];
      const json& by_key =
          row.by_label() ? out.at(key).at(label) : out.at(std::string(row.console_group())).at(key);
      for (const json* shown : {&in_list, &by_key}) {
        if (shown->is_boolean())
          EXPECT_EQ(shown->get<bool>(), value != 0);
        else
          EXPECT_DOUBLE_EQ(shown->get<double>(), wanted);
      }
    }
    (row.by_label() ? labelled_keys : scalar_keys).insert(key);
  }
  // Nothing beside the table, in the lists by key either.
  for (const auto& [key, value] : out.items()) {
    if (key == "counters") continue;
    if (key == "totals" || key == "gauges") {
      for (const auto& [name, number] : value.items())
        EXPECT_TRUE(scalar_keys.contains(name)) << key << "." << name;
    } else {
      EXPECT_TRUE(labelled_keys.contains(key)) << key;
    }
  }
}

// /api/overview is those counters, the state, a bounded crawl's progress
// and the series: no counter rendered by hand beside them.
TEST(CounterTableTest, OverviewHoldsTheTablesCountersAndNoOthers) {
  auto dir =
      std::filesystem::temp_directory_path() / ("counter_table_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    async::Loop loop;
    storage::SqliteStore store((dir / "crawl.db").string());
    config::CrawlOptions options;
    options.db_path = (dir / "crawl.db").string();
    CrawlEngine engine(loop, options, store);
    ConsoleHistory history(loop.get(), engine);
    json overview = json::parse(overview_json(engine, history, std::nullopt));
    json counters = json::parse(counters_json(engine.counters(), engine.gauges()));
    std::set<std::string> known = {"now", "state", "next_due", "paused", "progress", "series"};
    for (const auto& [key, value] : counters.items()) known.insert(key);
    for (const auto& [key, value] : overview.items()) {
      EXPECT_TRUE(known.contains(key)) << key;
      if (key == "counters" || key == "now" || key == "state" || key == "next_due" ||
          key == "paused" || key == "progress" || key == "series")
        continue;
      // Same keys (values may move on between the two calls: uptime).
      std::set<std::string> a, b;
      for (const auto& [name, v] : value.items()) a.insert(name);
      for (const auto& [name, v] : counters[key].items()) b.insert(name);
      EXPECT_EQ(a, b) << key;
    }
    EXPECT_EQ(overview["counters"].size(), counter_table().size());
  }
  std::filesystem::remove_all(dir);
}

// ---- The end-of-crawl summary -------------------------------------------------

TEST(CounterTableTest, SummaryShowsEveryCounterAndNothingElse) {
  Filled f = filled();
  std::string text = summary_text(f.counters);

  // Each "key=value" with the line it is on ("" for the first, "writes:", ...).
  std::multiset<std::tuple<std::string, std::string, double>> shown;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string prefix, word;
    bool first = true;
    while (words >> word) {
      auto equals = word.find('=');
      if (first && word.ends_with(":")) prefix = word;
      first = false;
      if (equals == std::string::npos) continue;
      shown.emplace(prefix, word.substr(0, equals), std::stod(word.substr(equals + 1)));
    }
  }
  auto take = [&](const std::string& prefix, const std::string& key, double value) {
    auto at = shown.find({prefix, key, value});
    if (at == shown.end()) return false;
    shown.erase(at);
    return true;
  };
  std::map<SummaryLine, std::string> prefixes;
  for (std::string_view line :
       {"", "fetched:", "responses:", "errors:", "writes:", "stored:", "skipped:"})
    prefixes.emplace(static_cast<SummaryLine>(prefixes.size() + 1), line);
  for (const Counter& row : counter_table()) {
    if (row.kind == CounterKind::kGauge) continue;
    SCOPED_TRACE(row.name);
    if (!prefixes.contains(row.summary)) {
      ADD_FAILURE() << "a counter with no line in the summary";
      continue;
    }
    const std::string& prefix = prefixes.at(row.summary);
    CounterValue value = counter_value(row, f.counters, f.gauges);
    // The summary rounds seconds to milliseconds.
    auto shown_as = [&](double v) {
      return row.unit == CounterUnit::kSeconds ? std::round(v * 1000) / 1000 : v;
    };
    if (!row.by_label() || row.summary_total) {
      EXPECT_TRUE(take(prefix, std::string(row.summary_name()), shown_as(value.number)))
          << prefix << " " << row.summary_name() << " in\n"
          << text;
    }
    for (const auto& [label, count] : value.by_label)
      EXPECT_TRUE(take(prefix, label, count)) << prefix << " " << label << " in\n" << text;
  }
  // The run's length and rate are not counters; nothing else may be left.
  EXPECT_TRUE(take("", "seconds", 12.5));
  EXPECT_TRUE(take("", "pages_per_second", std::round(f.counters.pages / 12.5 * 10) / 10)) << text;
  for (const auto& [prefix, key, value] : shown)
    ADD_FAILURE() << "not a row: " << prefix << " " << key << "=" << value;
}

// The lines that existing scripts and tests read keep their shape.
TEST(CounterTableTest, SummaryKeepsItsFirstLinesShape) {
  CrawlSummary s;
  s.pages = 3;
  s.stored_ok = 3;
  s.failed["http_404"] = 1;
  s.write_batches = 2;
  s.write_seconds = 0.5;
  s.seconds = 2;
  std::string text = summary_text(s);
  EXPECT_THAT(
      text, ::testing::StartsWith("pages=3 fetch_errors=0 http_errors=0 retries=0 robots_denied=0 "
                                  "sitemap_urls=0 seconds=2.000 pages_per_second=1.5\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("\nwrites: batches=2 seconds=0.500 "));
  EXPECT_THAT(text, ::testing::HasSubstr("\nstored: ok=3 failed=1 by kind: http_404=1\n"));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("skipped:")));
}

}  // namespace
}  // namespace crawler
