// UrlIdCache: the ids of URLs the database already holds, as one crawler
// learned them, so that a batch looks up only the URLs new to it. Ids never
// change once given, so an entry is never stale; only ids of committed rows
// may go in. Two generations stand in for an LRU: a hit in the old one moves
// to the new one, and when the new one is full the old one is dropped. At
// most 2 x `per_generation` entries are held.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace crawler::storage::pg {

class UrlIdCache {
 public:
  explicit UrlIdCache(std::size_t per_generation) : per_generation_(per_generation) {}

  std::optional<std::int64_t> find(const std::string& url) {
    if (auto it = current_.find(url); it != current_.end()) return it->second;
    auto old = previous_.find(url);
    if (old == previous_.end()) return std::nullopt;
    std::int64_t id = old->second;
    remember(url, id);
    return id;
  }

  void remember(const std::string& url, std::int64_t id) {
    if (current_.size() >= per_generation_) {
      previous_ = std::move(current_);
      current_ = {};
    }
    current_.insert_or_assign(url, id);
  }

 private:
  std::size_t per_generation_;
  std::unordered_map<std::string, std::int64_t> current_, previous_;
};

}  // namespace crawler::storage::pg
