// redirect_chain: see crawl_queries.hpp. The read queries themselves are
// the backends' (storage/sqlite/sqlite_crawl_reader.hpp, storage/postgres/pg_crawl_reader.hpp).
#include "storage/crawl_queries.hpp"

#include <algorithm>

namespace crawler::storage {

std::vector<std::string> redirect_chain(
    const std::string& url, const std::string& redirect_to, int hops,
    const std::function<std::string(const std::string&)>& redirected_from,
    const std::function<std::string(const std::string&)>& leads_to) {
  std::vector<std::string> before;
  for (std::string at = url; static_cast<int>(before.size()) < hops;) {
    at = redirected_from(at);
    if (at.empty() || at == url || std::find(before.begin(), before.end(), at) != before.end())
      break;
    before.push_back(at);
  }
  std::vector<std::string> chain(before.rbegin(), before.rend());
  chain.push_back(url);
  for (std::string next = redirect_to; !next.empty() && static_cast<int>(chain.size()) < 2 * hops;
       next = leads_to(next)) {
    if (std::find(chain.begin(), chain.end(), next) != chain.end()) break;
    chain.push_back(next);
  }
  return chain;
}

}  // namespace crawler::storage
