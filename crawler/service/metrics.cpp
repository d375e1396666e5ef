// Metrics text: see metrics.hpp.
#include "crawler/service/metrics.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "crawler/base/json_text.hpp"
#include "crawler/service/counter_table.hpp"

namespace crawler {

namespace {

class Exposition {
 public:
  void family(const char* name, const char* type, const char* help) {
    out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }
  void sample(const char* name, double value, const std::string& labels = {}) {
    char number[32];
    std::snprintf(number, sizeof number, "%.17g", value);
    out_ += std::string(name) + (labels.empty() ? "" : "{" + labels + "}") + " " + number + "\n";
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string label(const char* name, const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return std::string(name) + "=\"" + escaped + "\"";
}

}  // namespace

std::string prometheus_text(const CrawlSummary& c, const CrawlEngine::Gauges& g) {
  Exposition e;
  std::string_view family;
  for (const Counter& row : counter_table()) {
    // Rows of one family are adjacent; the first one's help is the family's.
    if (row.metric != family) {
      family = row.metric;
      e.family(std::string(row.metric).c_str(),
               row.kind == CounterKind::kCounter ? "counter" : "gauge",
               std::string(row.help).c_str());
    }
    std::string name(row.metric);
    CounterValue value = counter_value(row, c, g);
    if (!value.known) continue;  // no sample: absent is Prometheus's "unknown"
    if (row.by_label()) {
      for (const auto& [key, count] : value.by_label)
        e.sample(name.c_str(), count, label(std::string(row.label).c_str(), key));
    } else if (!row.label.empty()) {
      e.sample(name.c_str(), value.number,
               label(std::string(row.label).c_str(), std::string(row.label_value)));
    } else {
      e.sample(name.c_str(), value.number);
    }
  }
  return e.take();
}

std::string status_json(const CrawlSummary& c, const CrawlEngine::Gauges& g) {
  auto number = [](double v) { return format_json_number(v); };
  std::string out = "{";
  for (const Counter& row : counter_table()) {
    CounterValue value = counter_value(row, c, g);
    std::string text;
    if (row.by_label()) {
      text = "{";
      for (const auto& [key, count] : value.by_label)
        text += (text.size() > 1 ? "," : "") + json_string(key) + ":" + number(count);
      text += "}";
    } else if (!value.known) {
      text = "null";
    } else if (value.is_boolean) {
      text = value.number != 0 ? "true" : "false";
    } else {
      text = number(value.number);
    }
    out += (out.size() > 1 ? "," : "") + json_string(row.name) + ":" + text;
  }
  // Origins whose robots.txt is to be asked again: what the crawl waits for.
  std::string waiting = "[";
  auto now = Clock::now();
  for (const RobotsWait& wait : g.waiting) {
    double left = std::max(0.0, std::chrono::duration<double>(wait.retry_at - now).count());
    waiting += (waiting.size() > 1 ? "," : "") + std::string("{\"origin\":") +
               json_string(wait.origin) +
               ",\"reason\":" + json_string("robots.txt unreachable: " + wait.detail) +
               ",\"attempts\":" + std::to_string(wait.attempts) +
               ",\"retry_in_seconds\":" + number(left) + "}";
  }
  waiting += "]";
  return out + ",\"waiting\":" + waiting +
         ",\"pages_per_second\":" + number(g.uptime_seconds > 0 ? c.pages / g.uptime_seconds : 0) +
         "}\n";
}

}  // namespace crawler
