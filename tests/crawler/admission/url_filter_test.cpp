#include "crawler/admission/url_filter.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace crawler {
namespace {

TEST(UrlFilter, KeepsToTheSeedsHostsByDefault) {
  UrlFilter filter({});
  filter.add_seed("http://www.a.com/");
  EXPECT_EQ(filter.check("http://www.a.com/x"), SkipReason::kNone);
  EXPECT_EQ(filter.check("http://www.a.com:8080/x"), SkipReason::kNone);
  EXPECT_EQ(filter.check("http://blog.a.com/"), SkipReason::kOutOfScope);
}

TEST(UrlFilter, DomainScopeUsesThePublicSuffixList) {
  UrlFilterOptions options;
  options.scope = Scope::kDomain;
  UrlFilter filter(options);
  filter.add_seed("http://www.example.co.uk/");
  EXPECT_EQ(filter.check("http://blog.example.co.uk/"), SkipReason::kNone);
  EXPECT_EQ(filter.check("http://other.co.uk/"), SkipReason::kOutOfScope);
  EXPECT_EQ(registrable_domain("a.b.example.co.uk"), "example.co.uk");
  EXPECT_EQ(registrable_domain("127.0.0.1"), "127.0.0.1");
}

TEST(UrlFilter, AnyScopeFollowsEverything) {
  UrlFilterOptions options;
  options.scope = Scope::kAny;
  UrlFilter filter(options);
  EXPECT_EQ(filter.check("http://anywhere.org/"), SkipReason::kNone);
}

TEST(UrlFilter, AppliesExcludeThenIncludePatterns) {
  UrlFilterOptions options;
  options.include = {"/docs/"};
  options.exclude = {"\\.pdf$"};
  UrlFilter filter(options);
  filter.add_seed("http://a.com/");
  EXPECT_EQ(filter.check("http://a.com/docs/x.html"), SkipReason::kNone);
  EXPECT_EQ(filter.check("http://a.com/docs/x.pdf"), SkipReason::kExcluded);
  EXPECT_EQ(filter.check("http://a.com/blog/"), SkipReason::kNotIncluded);
}

TEST(UrlFilter, RejectsABadPatternNamingIt) {
  UrlFilterOptions options;
  options.exclude = {"(unclosed"};
  try {
    UrlFilter filter(options);
    FAIL() << "accepted a bad pattern";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("(unclosed"), std::string::npos);
  }
}

TEST(UrlFilter, StopsEachKindOfTrap) {
  UrlFilterOptions options;
  options.max_url_length = 60;
  options.max_repeated_segments = 2;
  options.max_path_depth = 4;
  options.max_query_params = 2;
  UrlFilter filter(options);
  filter.add_seed("http://a.com/");
  EXPECT_EQ(filter.check("http://a.com/" + std::string(60, 'x')), SkipReason::kUrlTooLong);
  EXPECT_EQ(filter.check("http://a.com/cal/cal/x/cal"), SkipReason::kRepeatedSegments);
  EXPECT_EQ(filter.check("http://a.com/a/b/c/d/e"), SkipReason::kPathTooDeep);
  EXPECT_EQ(filter.check("http://a.com/?a=1&b=2&c=3"), SkipReason::kTooManyParams);
  EXPECT_EQ(filter.check("http://a.com/a/b/a/c?x=1&y=2"), SkipReason::kNone);
}

TEST(UrlFilter, SpendsEachHostsPageBudget) {
  UrlFilterOptions options;
  options.max_pages_per_host = 2;
  UrlFilter filter(options);
  EXPECT_TRUE(filter.take_host_budget("a.com"));
  EXPECT_TRUE(filter.take_host_budget("a.com"));
  EXPECT_FALSE(filter.take_host_budget("a.com"));
  EXPECT_TRUE(filter.take_host_budget("b.com"));
}

}  // namespace
}  // namespace crawler
