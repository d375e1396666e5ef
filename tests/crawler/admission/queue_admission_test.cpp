// QueueAdmission: every queue-time rule answers here, and every refusal is
// counted under its reason's name.
#include "crawler/admission/queue_admission.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "crawler/async/loop.hpp"

namespace crawler {
namespace {

struct Admission {
  async::Loop loop;
  async::CurlMultiSet multis{loop.get(), 1};
  UrlFilter filter;
  AdmissionGate gate{multis, filter, AddressPolicy(std::vector<std::string>{})};
  std::map<std::string, std::size_t> skipped;
  QueueAdmission admission;

  explicit Admission(UrlFilterOptions options = {}, std::optional<int> max_depth = 2)
      : filter(options), admission(gate, filter, max_depth, skipped) {
    filter.add_seed("http://example.com/");
    gate.add_seed("http://example.com/");
  }
  ~Admission() {
    multis.shutdown();
    loop.close();
  }
};

TEST(QueueAdmission, AdmitsAnInScopeLinkWithinTheDepth) {
  Admission a;
  EXPECT_EQ(a.admission.admit("http://example.com/a", 2, RequestKind::kPage, true),
            SkipReason::kNone);
  EXPECT_TRUE(a.skipped.empty());
}

TEST(QueueAdmission, RefusesPastTheDepthAndCountsIt) {
  Admission a;
  EXPECT_EQ(a.admission.admit("http://example.com/a", 3, RequestKind::kPage, true),
            SkipReason::kTooDeep);
  EXPECT_EQ(a.skipped["too_deep"], 1u);
}

// A refusal is kept as an example of its reason and can be looked up by URL.
TEST(QueueAdmission, KeepsEachRefusedUrlWithItsReasonAndDepth) {
  Admission a;
  a.admission.admit("http://example.com/deep", 3, RequestKind::kPage, true);
  a.admission.admit("http://other.com/x", 1, RequestKind::kPage, true);
  a.admission.admit("http://example.com/fine", 1, RequestKind::kPage, true);
  const SkipLog::Skip* deep = a.admission.skips().find("http://example.com/deep");
  ASSERT_NE(deep, nullptr);
  EXPECT_EQ(deep->reason, SkipReason::kTooDeep);
  EXPECT_EQ(deep->depth, 3);
  EXPECT_EQ(a.admission.skips().find("http://other.com/x")->reason, SkipReason::kOutOfScope);
  EXPECT_EQ(a.admission.skips().find("http://example.com/fine"), nullptr);
  EXPECT_EQ(a.admission.skips().examples().at("too_deep").size(), 1u);
}

TEST(SkipLog, KeepsTheNewestExamplesPerReasonAndTheLastUrls) {
  SkipLog log(2, 3);
  for (int i = 0; i < 5; ++i)
    log.note("http://a/" + std::to_string(i), SkipReason::kTooDeep, RequestKind::kPage, i);
  log.note("http://a/4", SkipReason::kOutOfScope, RequestKind::kPage, 9);  // again, newer
  const auto& deep = log.examples().at("too_deep");
  ASSERT_EQ(deep.size(), 2u);
  EXPECT_EQ(deep[0].url, "http://a/3");
  EXPECT_EQ(deep[1].url, "http://a/4");
  EXPECT_EQ(log.find("http://a/0"), nullptr);  // past the last 3
  EXPECT_EQ(log.find("http://a/2"), nullptr);
  ASSERT_NE(log.find("http://a/3"), nullptr);
  EXPECT_EQ(log.find("http://a/4")->reason, SkipReason::kOutOfScope);  // the newest skip
  log.note("http://b/0", SkipReason::kTooDeep, RequestKind::kPage, 0);
  log.note("http://b/1", SkipReason::kTooDeep, RequestKind::kPage, 0);
  ASSERT_NE(log.find("http://a/4"), nullptr);  // its newer entry is still kept
  log.note("http://b/2", SkipReason::kTooDeep, RequestKind::kPage, 0);
  EXPECT_EQ(log.find("http://a/4"), nullptr);
  EXPECT_EQ(log.find("http://b/2")->url, "http://b/2");
}

TEST(QueueAdmission, TheGatesRulesComeFirst) {
  Admission a;
  EXPECT_EQ(a.admission.admit("http://other.com/", 1, RequestKind::kPage, true),
            SkipReason::kOutOfScope);
  EXPECT_EQ(a.admission.admit("http://127.0.0.1:6379/", 1, RequestKind::kPage, true),
            SkipReason::kInternalAddress);
  EXPECT_EQ(a.skipped["out_of_scope"], 1u);
  EXPECT_EQ(a.skipped["internal_address"], 1u);
}

TEST(QueueAdmission, OnlyAMaybeNewUrlPaysItsHostsPageBudget) {
  UrlFilterOptions options;
  options.max_pages_per_host = 2;  // the seed took one
  Admission a(options);
  a.filter.take_host_budget("example.com");
  EXPECT_EQ(a.admission.admit("http://example.com/1", 1, RequestKind::kPage, true),
            SkipReason::kNone);
  // Surely seen before: free, however often.
  EXPECT_EQ(a.admission.admit("http://example.com/1", 1, RequestKind::kPage, false),
            SkipReason::kNone);
  EXPECT_EQ(a.admission.admit("http://example.com/2", 1, RequestKind::kPage, true),
            SkipReason::kHostBudget);
  EXPECT_EQ(a.skipped["host_budget"], 1u);
}

TEST(QueueAdmission, SitemapDocumentsAreBoundedPerOriginWhenQueued) {
  Admission a;
  for (std::uint32_t i = 0; i < QueueAdmission::kMaxSitemapsPerOrigin; ++i) {
    std::string url = "http://example.com/s" + std::to_string(i) + ".xml";
    ASSERT_EQ(a.admission.admit_sitemap(url), SkipReason::kNone);
    a.admission.sitemap_queued(url);
  }
  EXPECT_EQ(a.admission.admit_sitemap("http://example.com/one-more.xml"),
            SkipReason::kSitemapDocuments);
  EXPECT_EQ(a.skipped["sitemap_document_budget"], 1u);
}

}  // namespace
}  // namespace crawler
