// recorded_crawl: a crawl's stored pages read back as the writer got them,
// for the replays (pg_write_replay, sqlite_write_replay), and the same crawl
// repeated under new paths to make it bigger.
#pragma once

#include <string>
#include <vector>

#include "storage/page_record.hpp"

namespace crawler::bench {

/// Every stored page of the SQLite crawl database at `path`, in the order
/// stored, with its text, links and the URLs it queued.
std::vector<storage::PageRecord> recorded_pages(const std::string& path);

/// `page` under repetition `r`: each of its URLs "http://h:p/x" becomes
/// "http://h:p/rR/x" (r = 0 leaves them as they are).
storage::PageRecord under(const storage::PageRecord& page, int r);

}  // namespace crawler::bench
