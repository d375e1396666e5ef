// judge_redirect: see redirect_hop.hpp.
#include "crawler/admission/redirect_hop.hpp"

#include <algorithm>

namespace crawler {

RedirectHop judge_redirect(std::string_view from, std::string_view location,
                           std::span<const std::string> chain, std::size_t max_hops) {
  RedirectHop hop;
  hop.target = parsers::CrawlUrl::resolve(from, location);
  if (!hop.target) return hop;
  std::string_view to = hop.target->text();
  if (to == from || std::find(chain.begin(), chain.end(), to) != chain.end()) {
    hop.verdict = HopVerdict::kLoop;
  } else if (chain.size() >= max_hops) {
    hop.verdict = HopVerdict::kTooMany;
  } else {
    hop.verdict = HopVerdict::kFollow;
  }
  return hop;
}

}  // namespace crawler
