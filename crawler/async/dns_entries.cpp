// DnsEntries: see dns_entries.hpp.
#include "crawler/async/dns_entries.hpp"

#include <utility>

namespace crawler::async {

DnsEntries::Use::Use(DnsEntries& owner, std::string_view key)
    : owner_(owner), entry_(&*owner.in_use_.try_emplace(std::string(key), 0).first) {
  ++entry_->second;
}

DnsEntries::Use::~Use() {
  if (--entry_->second > 0) return;
  auto node = owner_.in_use_.extract(entry_->first);
  try {
    owner_.unused_.push_back(std::move(node.key()));
  } catch (...) {  // out of memory: libcurl keeps the entry, as it would without us
  }
}

// A host used again since its last transfer ended has its entry loaded
// anew by that transfer; dropping it now could drop the new one before its
// transfer connects, so it stays until that transfer ends too.
std::vector<std::string> DnsEntries::take_unused() {
  std::vector<std::string> removals;
  removals.reserve(unused_.size());
  for (std::string& key : unused_) {
    if (!in_use_.contains(key)) removals.push_back("-" + key);
  }
  unused_.clear();
  return removals;
}

}  // namespace crawler::async
