#include "crawler/admission/request_builder.hpp"

#include <gtest/gtest.h>

#include "parsers/robots_txt.hpp"
#include "parsers/sitemap.hpp"

namespace crawler {
namespace {

config::CrawlOptions unusual_options() {
  config::CrawlOptions options;
  options.user_agent = "probe/1.0";
  options.connect_timeout_ms = 1234;
  options.total_timeout_ms = 5678;
  options.low_speed_bytes = 42;
  options.low_speed_time_s = 7;
  options.max_body_bytes = 999;
  options.http2 = "off";
  return options;
}

// Every kind gets the crawl's agent and limits: robots.txt requests had
// lost the connect and low-speed limits when they copied them by hand.
TEST(RequestBuilder, EveryKindCarriesTheCrawlsAgentTimeLimitsAndHttpVersion) {
  RequestBuilder builder(unusual_options());
  for (RequestKind kind : {RequestKind::kPage, RequestKind::kRobots, RequestKind::kSitemap}) {
    async::FetchRequest request = builder.build("http://a.test/x", kind);
    EXPECT_EQ(request.url, "http://a.test/x");
    EXPECT_EQ(request.user_agent, "probe/1.0");
    EXPECT_EQ(request.connect_timeout_ms, 1234);
    EXPECT_EQ(request.total_timeout_ms, 5678);
    EXPECT_EQ(request.low_speed_bytes, 42);
    EXPECT_EQ(request.low_speed_time_s, 7);
    EXPECT_FALSE(request.http2);
  }
}

// HTTP/2 by default only where it can multiplex: more than one fetch at a
// time per origin. Either switch overrides that.
TEST(RequestBuilder, Http2IsOfferedByDefaultOnlyWhenAnOriginHasMoreThanOneFetchAtATime) {
  auto http2 = [](std::string mode, std::size_t per_host) {
    config::CrawlOptions options;
    if (!mode.empty()) options.http2 = mode;
    options.per_host = per_host;
    return RequestBuilder(options).build("https://a.test/", RequestKind::kPage).http2;
  };
  EXPECT_FALSE(http2("", 1));
  EXPECT_TRUE(http2("", 2));
  EXPECT_TRUE(http2("on", 1));
  EXPECT_FALSE(http2("off", 8));
}

TEST(RequestBuilder, EachKindHasItsOwnBodyCap) {
  RequestBuilder builder(unusual_options());
  EXPECT_EQ(builder.build("http://a.test/", RequestKind::kPage).max_body_bytes, 999u);
  EXPECT_EQ(builder.build("http://a.test/robots.txt", RequestKind::kRobots).max_body_bytes,
            parsers::kMaxRobotsBytes);
  EXPECT_EQ(builder.build("http://a.test/s.xml", RequestKind::kSitemap).max_body_bytes,
            parsers::kMaxSitemapBytes);
}

}  // namespace
}  // namespace crawler
