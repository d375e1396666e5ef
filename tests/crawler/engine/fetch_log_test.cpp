#include "crawler/engine/fetch_log.hpp"

#include <gtest/gtest.h>

namespace crawler {
namespace {

storage::PageRecord record(std::string url, std::string error, double ms, std::int64_t at) {
  storage::PageRecord r;
  r.url = std::move(url);
  r.error = std::move(error);
  r.error_detail = r.error.empty() ? "" : "detail of " + r.error;
  r.duration_ms = ms;
  r.fetched_at_ms = at;
  return r;
}

TEST(FetchLogTest, TalliesEachOriginAndKeepsFailuresWithTheirUrls) {
  FetchLog log;
  log.note("http://a", record("http://a/1", "", 10, 1000));
  log.note("http://a", record("http://a/2", "timeout", 30, 2000));
  log.note("http://b", record("http://b/1", "http_404", 5, 3000));
  const FetchLog::Tally* a = log.tally("http://a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->fetched, 2u);
  EXPECT_EQ(a->errors, 1u);
  EXPECT_DOUBLE_EQ(a->total_ms, 40);
  EXPECT_EQ(a->last_fetch_ms, 2000);
  EXPECT_EQ(log.tally("http://c"), nullptr);
  ASSERT_EQ(log.failures().size(), 2u);
  EXPECT_EQ(log.failures()[0].url, "http://a/2");
  EXPECT_EQ(log.failures()[0].kind, "timeout");
  EXPECT_EQ(log.failures()[0].detail, "detail of timeout");
  EXPECT_EQ(log.failures()[1].kind, "http_404");
}

TEST(FetchLogTest, KeepsOnlyTheNewestFailuresAndPrunesOriginsPastItsCap) {
  FetchLog log(3, 2);
  for (int i = 0; i < 5; ++i)
    log.note("http://h" + std::to_string(i),
             record("http://h" + std::to_string(i) + "/", "connect", 1, i));
  ASSERT_EQ(log.failures().size(), 3u);
  EXPECT_EQ(log.failures().front().url, "http://h2/");
  EXPECT_EQ(log.failures().back().url, "http://h4/");
  log.prune([](std::string_view origin) { return origin == "http://h4"; });
  EXPECT_EQ(log.tally("http://h0"), nullptr);
  EXPECT_NE(log.tally("http://h4"), nullptr);
}

TEST(FetchLogTest, TheCrawlLogKeepsEveryOutcomeNewestLastNumberedAndBounded) {
  FetchLog log(1000, 50'000, 3);
  for (int i = 0; i < 5; ++i) {
    auto r = record("http://a/" + std::to_string(i), i % 2 ? "timeout" : "", i, 1000 + i);
    r.status = i % 2 ? 0 : 200;
    r.bytes = 100 * i;
    log.note("http://a", r);
  }
  const auto& entries = log.entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].seq, 3u);
  EXPECT_EQ(entries[0].url, "http://a/2");
  EXPECT_EQ(entries[1].error, "timeout");
  EXPECT_EQ(entries[1].status, 0);
  EXPECT_EQ(entries[2].seq, 5u);
  EXPECT_EQ(entries[2].status, 200);
  EXPECT_EQ(entries[2].bytes, 400);
  EXPECT_EQ(entries[2].origin, "http://a");
  EXPECT_EQ(entries[2].at_ms, 1004);
}

}  // namespace
}  // namespace crawler
