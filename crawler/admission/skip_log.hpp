// SkipLog: which URLs queue admission refused, in bounded memory, for the
// console: the newest few examples of each reason, and the last skipped
// URLs by URL, so that a skipped URL can be looked up ("why was this not
// crawled?"). Counts by reason stay in the crawl's summary; this keeps
// examples only. Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crawler/admission/skip_reason.hpp"

namespace crawler {

class SkipLog {
 public:
  struct Skip {
    std::string url;
    SkipReason reason = SkipReason::kNone;
    RequestKind kind = RequestKind::kPage;
    int depth = 0;
    std::int64_t at_ms = 0;  // Unix milliseconds
  };

  /// Keeps `per_reason` examples of each reason and the last `by_url` URLs.
  explicit SkipLog(std::size_t per_reason = 10, std::size_t by_url = 5000)
      : per_reason_(per_reason), by_url_(by_url) {}

  void note(std::string_view url, SkipReason reason, RequestKind kind, int depth);

  /// The newest examples of each reason's name, newest last.
  const std::map<std::string, std::deque<Skip>, std::less<>>& examples() const { return examples_; }
  /// Why `url` was last skipped, if it is among the last ones kept.
  const Skip* find(std::string_view url) const;

 private:
  std::size_t per_reason_;
  std::size_t by_url_;
  std::map<std::string, std::deque<Skip>, std::less<>> examples_;
  std::deque<Skip> recent_;                          // the last by_url_, oldest first
  std::unordered_map<std::string, std::size_t> at_;  // url -> its newest place: seq_ - n
  std::size_t seq_ = 0;                              // skips noted
};

}  // namespace crawler
