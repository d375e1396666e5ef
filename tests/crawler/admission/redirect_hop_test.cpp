#include "crawler/admission/redirect_hop.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace crawler {
namespace {

TEST(RedirectHop, ARelativeLocationIsResolvedAndFollowed) {
  RedirectHop hop = judge_redirect("http://a.com/x/y", "../z?q=1#f", {}, 5);
  EXPECT_EQ(hop.verdict, HopVerdict::kFollow);
  ASSERT_TRUE(hop.target);
  EXPECT_EQ(hop.target->text(), "http://a.com/z?q=1");
}

TEST(RedirectHop, ANonHttpLocationIsBad) {
  EXPECT_EQ(judge_redirect("http://a.com/", "http://", {}, 5).verdict, HopVerdict::kBadLocation);
  RedirectHop hop = judge_redirect("http://a.com/", "mailto:x@a.com", {}, 5);
  EXPECT_EQ(hop.verdict, HopVerdict::kBadLocation);
  EXPECT_FALSE(hop.target);
}

TEST(RedirectHop, BackToItselfOrToAnEarlierHopIsALoop) {
  EXPECT_EQ(judge_redirect("http://a.com/a", "/a", {}, 5).verdict, HopVerdict::kLoop);
  EXPECT_EQ(judge_redirect("http://a.com/a", "", {}, 5).verdict, HopVerdict::kLoop);  // itself
  std::vector<std::string> chain = {"http://a.com/1", "http://a.com/2"};
  RedirectHop hop = judge_redirect("http://a.com/3", "http://A.com:80/1", chain, 5);
  EXPECT_EQ(hop.verdict, HopVerdict::kLoop);  // the same URL once normalized
  ASSERT_TRUE(hop.target);
  EXPECT_EQ(hop.target->text(), "http://a.com/1");
}

TEST(RedirectHop, AChainAtItsLimitStops) {
  std::vector<std::string> chain = {"http://a.com/1", "http://a.com/2"};
  EXPECT_EQ(judge_redirect("http://a.com/3", "/4", chain, 3).verdict, HopVerdict::kFollow);
  EXPECT_EQ(judge_redirect("http://a.com/3", "/4", chain, 2).verdict, HopVerdict::kTooMany);
  EXPECT_EQ(judge_redirect("http://a.com/3", "/4", {}, 0).verdict, HopVerdict::kTooMany);
}

}  // namespace
}  // namespace crawler
