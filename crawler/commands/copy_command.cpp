// `crawler copy --from DB --to DB`: moves a crawl, frontier included,
// between SQLite and PostgreSQL, either way (storage/crawl_copy.hpp). A
// crawl that outgrows one machine's file goes to PostgreSQL this way, and
// resuming on the copy fetches nothing twice.
#include <iostream>

#include "crawler/commands/commands.hpp"
#include "storage/crawl_copy.hpp"
#include "storage/crawl_reader.hpp"
#include "storage/crawl_store.hpp"

namespace crawler {

int run_copy_command(const storage::CrawlReader& from, const std::string& to) {
  using storage::display_name;
  // Names compared as shown: two URIs that differ only in the password
  // name the same database too.
  if (from.name() == display_name(to)) {
    std::cerr << "crawler copy: --from and --to name the same database\n";
    return kExitUsage;
  }
  try {
    storage::copy_crawl(from, to, [](const std::string& table, std::int64_t rows) {
      std::cerr << "crawler copy: " << table << ": " << rows << " row(s)\n";
    });
  } catch (const storage::StorageError& e) {
    std::cerr << "crawler copy: " << e.what() << "; '" << display_name(to)
              << "' is left as it was\n";
    return e.failure() == storage::Failure::kBadRequest ? kExitUsage : kExitFailed;
  }
  std::cerr << "crawler copy: copied '" << from.name() << "' to '" << display_name(to) << "'\n";
  return kExitOk;
}

}  // namespace crawler
