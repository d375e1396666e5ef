// copy_crawl: see crawl_copy.hpp.
#include "storage/crawl_copy.hpp"

#include <memory>

#include "storage/crawl_reader.hpp"
#include "storage/crawl_store.hpp"

namespace crawler::storage {

const std::vector<CopyTable>& copied_tables() {
  using K = ColumnKind;
  static const std::vector<CopyTable> tables = {
      {"urls",
       {{"id", K::kInteger},
        {"url", K::kText},
        {"state", K::kText},
        {"depth", K::kInteger},
        {"origin", K::kText},
        {"source", K::kText},
        {"found_on", K::kInteger}},
       "id"},
      {"pages",
       {{"id", K::kInteger},
        {"url_id", K::kInteger},
        {"url", K::kText},
        {"final_url", K::kText},
        {"depth", K::kInteger},
        {"status", K::kInteger},
        {"content_type", K::kText},
        {"title", K::kText},
        {"fetched_at", K::kText},
        {"bytes", K::kInteger},
        {"duration_ms", K::kReal},
        {"error", K::kText},
        {"error_detail", K::kText},
        {"truncated", K::kInteger},
        {"attempts", K::kInteger},
        {"redirect_to", K::kText},
        {"canonical", K::kText},
        {"noindex", K::kInteger},
        {"text", K::kText},
        {"etag", K::kText},
        {"last_modified", K::kText},
        {"content_hash", K::kText},
        {"revisit_after_s", K::kInteger},
        {"next_visit_ms", K::kInteger},
        {"changes", K::kInteger},
        {"indexed", K::kInteger},
        {"links_dropped", K::kInteger},
        {"address", K::kText}},
       "id"},
      {"links", {{"from_page", K::kInteger}, {"to_url", K::kInteger}}, "from_page, to_url"},
      {"responses",
       {{"page_id", K::kInteger},
        {"request", K::kRawText},
        {"head", K::kRawText},
        {"body", K::kBlob},
        {"body_size", K::kInteger}},
       "page_id"},
      {"robots",
       {{"origin", K::kText},
        {"status", K::kText},
        {"http_status", K::kInteger},
        {"body", K::kText},
        {"fetched_at_ms", K::kInteger}},
       "origin"},
      // The operator's orders for origins (pause, delay, block): a copy keeps them.
      {"origin_controls",
       {{"origin", K::kText},
        {"paused", K::kBoolean},
        {"blocked", K::kBoolean},
        {"delay_ms", K::kInteger},
        {"changed_at_ms", K::kInteger}},
       "origin"},
  };
  return tables;
}

std::string column_list(const CopyTable& table) {
  std::string list;
  for (const CopyColumn& column : table.columns)
    list += (list.empty() ? "" : ", ") + std::string(column.name);
  return list;
}

void copy_crawl(const CrawlReader& from, const std::string& to,
                const std::function<void(const std::string& table, std::int64_t rows)>& on_table) {
  std::unique_ptr<CopySource> source = from.open_copy_source();
  std::unique_ptr<CopyTarget> target = open_copy_target(to);
  constexpr std::size_t kBatch = 500;  // rows per insert
  for (const CopyTable& table : copied_tables()) {
    std::vector<CopyRow> batch;
    std::int64_t copied = 0;
    source->rows(table, [&](const CopyRow& row) {
      batch.push_back(row);
      if (batch.size() == kBatch) {
        target->insert(table, batch);
        copied += static_cast<std::int64_t>(batch.size());
        batch.clear();
      }
    });
    if (!batch.empty()) target->insert(table, batch);
    copied += static_cast<std::int64_t>(batch.size());
    on_table(table.name, copied);
  }
  target->commit();
}

}  // namespace crawler::storage
