// SkipLog: see skip_log.hpp.
#include "crawler/admission/skip_log.hpp"

#include "crawler/base/unix_time.hpp"

namespace crawler {

void SkipLog::note(std::string_view url, SkipReason reason, RequestKind kind, int depth) {
  Skip skip{std::string(url), reason, kind, depth, unix_ms_now()};
  if (per_reason_ > 0) {
    auto found = examples_.find(to_string(reason));
    if (found == examples_.end())
      found = examples_.emplace(std::string(to_string(reason)), std::deque<Skip>{}).first;
    if (found->second.size() >= per_reason_) found->second.pop_front();
    found->second.push_back(skip);
  }
  if (by_url_ == 0) return;
  if (recent_.size() >= by_url_) {
    // The oldest leaves; its URL's entry goes unless a newer skip of it is kept.
    auto entry = at_.find(recent_.front().url);
    if (entry != at_.end() && entry->second == seq_ - recent_.size()) at_.erase(entry);
    recent_.pop_front();
  }
  at_[skip.url] = seq_;
  recent_.push_back(std::move(skip));
  ++seq_;
}

const SkipLog::Skip* SkipLog::find(std::string_view url) const {
  auto entry = at_.find(std::string(url));
  if (entry == at_.end()) return nullptr;
  std::size_t first = seq_ - recent_.size();  // the seq of recent_.front()
  return &recent_[entry->second - first];
}

}  // namespace crawler
