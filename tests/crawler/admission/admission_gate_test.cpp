// AdmissionGate: what it refuses before a request is made, and that it is
// the only way the crawler reaches the network.
#include "crawler/admission/admission_gate.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/crawler/async/co_test.hpp"
#include "tests/support/test_server.hpp"

namespace crawler {
namespace {

struct Gate {
  async::Loop loop;
  async::CurlMultiSet multis{loop.get(), 1};
  UrlFilter filter{UrlFilterOptions{}};
  AdmissionGate gate{multis, filter, AddressPolicy({"192.168.7.0/24"})};
  Gate() {
    filter.add_seed("http://example.com/");
    gate.add_seed("http://example.com/");
    gate.add_seed("http://127.0.0.1:8080/");
  }
  ~Gate() {
    multis.shutdown();
    loop.close();
  }
};

TEST(AdmissionGate, RefusesWhatNoRequestMayReach) {
  Gate g;
  EXPECT_EQ(g.gate.check("ftp://example.com/", RequestKind::kPage), SkipReason::kBadScheme);
  EXPECT_EQ(g.gate.check("http://u:p@example.com/", RequestKind::kPage), SkipReason::kUserinfo);
  EXPECT_EQ(g.gate.check("http://127.0.0.1:6379/", RequestKind::kPage),
            SkipReason::kInternalAddress);
  EXPECT_EQ(g.gate.check("http://localhost:8080/", RequestKind::kRobots),
            SkipReason::kInternalAddress);
  EXPECT_EQ(g.gate.check("http://[::1]:8080/", RequestKind::kSitemap),
            SkipReason::kInternalAddress);
  EXPECT_EQ(g.gate.check("http://169.254.169.254/latest", RequestKind::kRobots),
            SkipReason::kInternalAddress);
}

TEST(AdmissionGate, TheSeedsOriginsAndAllowedRangesMayBeInternal) {
  Gate g;
  EXPECT_EQ(g.gate.check("http://127.0.0.1:8080/page", RequestKind::kPage),
            SkipReason::kOutOfScope);
  EXPECT_EQ(g.gate.check("http://127.0.0.1:8080/robots.txt", RequestKind::kRobots),
            SkipReason::kNone);
  EXPECT_EQ(g.gate.check("http://192.168.7.9/robots.txt", RequestKind::kRobots), SkipReason::kNone);
}

TEST(AdmissionGate, PagesAndSitemapsPassTheFilterButRobotsTxtNeedNot) {
  Gate g;
  EXPECT_EQ(g.gate.check("http://example.com/a", RequestKind::kPage), SkipReason::kNone);
  EXPECT_EQ(g.gate.check("http://other.example/a", RequestKind::kPage), SkipReason::kOutOfScope);
  EXPECT_EQ(g.gate.check("http://other.example/sitemap.xml", RequestKind::kSitemap),
            SkipReason::kOutOfScope);
  // RFC 9309: an origin's robots.txt may redirect to another host.
  EXPECT_EQ(g.gate.check("http://other.example/robots.txt", RequestKind::kRobots),
            SkipReason::kNone);
}

CO_TEST(AdmissionGate, ARefusedRequestSendsNothing) {
  testing::TestServer server;
  async::CurlMultiSet multis(loop.get(), 1);
  UrlFilter filter({});
  AdmissionGate gate(multis, filter, AddressPolicy());
  async::FetchRequest request;
  request.url = server.url("/site/1/0");
  async::FetchResult refused = co_await gate.fetch(RequestKind::kRobots, request);
  EXPECT_EQ(refused.error, async::FetchError::kBlocked);
  EXPECT_EQ(server.request_count(), 0u);

  gate.add_seed(server.url("/"));
  async::FetchResult fetched = co_await gate.fetch(RequestKind::kRobots, request);
  EXPECT_TRUE(fetched.ok()) << fetched.error_message;
  EXPECT_EQ(server.request_count(), 1u);
  // Its connection is counted for its origin (OriginConnections), which
  // spares libcurl a walk over every connection when all are taken.
  std::string origin = server.base_url();
  EXPECT_EQ(multis.for_origin(origin).origins().connections(origin), 1u);
  multis.shutdown();
}

// The exemption is of the address a seed names: --resolve pointing an
// exempt origin at another internal address does not carry it along.
CO_TEST(AdmissionGate, ResolveDoesNotWidenASeedsExemption) {
  testing::TestServer inner("127.0.0.2");
  std::string port = std::to_string(inner.port());
  std::string seed = "http://127.0.0.1:" + port + "/";
  async::FetchRequest request;
  request.url = seed + "robots.txt";
  async::CurlMultiSet multis(loop.get(), 1);
  UrlFilter filter({});

  AdmissionGate gate(multis, filter, AddressPolicy(), {"127.0.0.1:" + port + ":127.0.0.2"});
  gate.add_seed(seed);
  async::FetchResult refused = co_await gate.fetch(RequestKind::kRobots, request);
  EXPECT_EQ(refused.error, async::FetchError::kBlocked) << refused.error_message;
  EXPECT_NE(refused.error_message.find("127.0.0.2 is a loopback address"), std::string::npos)
      << refused.error_message;
  EXPECT_EQ(inner.request_count(), 0u);

  // --allow-address lets it through; so does a localhost seed's loopback.
  AdmissionGate allowed(multis, filter, AddressPolicy({"127.0.0.2/32"}),
                        {"127.0.0.1:" + port + ":127.0.0.2"});
  allowed.add_seed(seed);
  async::FetchResult fetched = co_await allowed.fetch(RequestKind::kRobots, request);
  EXPECT_TRUE(fetched.ok()) << fetched.error_message;
  EXPECT_EQ(inner.request_count(), 1u);

  AdmissionGate localhost(multis, filter, AddressPolicy(), {"localhost:" + port + ":127.0.0.2"});
  localhost.add_seed("http://localhost:" + port + "/");
  request.url = "http://localhost:" + port + "/robots.txt";
  fetched = co_await localhost.fetch(RequestKind::kRobots, request);
  EXPECT_TRUE(fetched.ok()) << fetched.error_message;
  EXPECT_EQ(inner.request_count(), 2u);
  multis.shutdown();
}

// The DNS step's answer is the address connected to (CURLOPT_RESOLVE), not
// whatever libcurl's own lookup would find: "localhost" (resolved locally,
// never on the network) answered as 127.0.0.2 reaches the server there.
CO_TEST(AdmissionGate, TheDnsStepsAnswerIsTheAddressConnectedTo) {
  testing::TestServer inner("127.0.0.2");
  std::string port = std::to_string(inner.port());
  async::CurlMultiSet multis(loop.get(), 1);
  UrlFilter filter({});
  DnsCache dns({});
  dns.store("localhost", {"127.0.0.2", {}, {}}, std::chrono::steady_clock::now());
  async::FetchRequest request;
  request.url = "http://localhost:" + port + "/robots.txt";

  AdmissionGate gate(multis, filter, AddressPolicy());
  gate.add_seed("http://localhost:" + port + "/");  // a localhost seed may reach the loopback
  gate.use_dns(dns);
  async::FetchResult fetched = co_await gate.fetch(RequestKind::kRobots, request);
  EXPECT_TRUE(fetched.ok()) << fetched.error_message;
  EXPECT_EQ(fetched.remote_address, "127.0.0.2");
  EXPECT_EQ(inner.request_count(), 1u);
  multis.shutdown();
}

// libcurl would keep the DNS step's answer for good (a CURLOPT_RESOLVE
// entry): once no transfer uses the name, the next transfer drops it, and a
// request the DNS step no longer answers is resolved by libcurl afresh
// ("localhost": 127.0.0.1, where nothing listens), not sent to the old answer.
CO_TEST(AdmissionGate, TheDnsStepsAnswerIsDroppedFromLibcurlOnceNoTransferUsesIt) {
  testing::TestServer inner("127.0.0.2");
  std::string port = std::to_string(inner.port());
  async::CurlMultiSet multis(loop.get(), 1);
  UrlFilter filter({});
  DnsCache dns({});
  dns.store("localhost", {"127.0.0.2", {}, {}}, std::chrono::steady_clock::now());
  async::FetchRequest by_name;
  by_name.url = "http://localhost:" + port + "/robots.txt";
  by_name.keep_connection = false;  // or the last fetch would need no address
  async::FetchRequest by_address;
  by_address.url = "http://127.0.0.2:" + port + "/robots.txt";

  AdmissionGate pinned(multis, filter, AddressPolicy());
  AdmissionGate unpinned(multis, filter, AddressPolicy());  // no DNS step: libcurl's own lookup
  for (AdmissionGate* gate : {&pinned, &unpinned}) {
    gate->add_seed("http://localhost:" + port + "/");
    gate->add_seed("http://127.0.0.2:" + port + "/");
  }
  pinned.use_dns(dns);
  async::FetchResult fetched = co_await pinned.fetch(RequestKind::kRobots, by_name);
  EXPECT_EQ(fetched.remote_address, "127.0.0.2") << fetched.error_message;
  fetched = co_await pinned.fetch(RequestKind::kRobots, by_address);  // drops the name's entry
  EXPECT_TRUE(fetched.ok()) << fetched.error_message;
  fetched = co_await unpinned.fetch(RequestKind::kRobots, by_name);
  EXPECT_NE(fetched.remote_address, "127.0.0.2");
  EXPECT_EQ(inner.request_count(), 2u);
  multis.shutdown();
}

// An answer's other addresses are libcurl's to fall back on (127.0.0.3
// refuses, 127.0.0.2 answers), except in a fleet sharing addresses, where
// only the first, the one granted, may be reached.
CO_TEST(AdmissionGate, AnAnswersOtherAddressesAreTriedUnlessOnlyTheFirstMayBe) {
  testing::TestServer inner("127.0.0.2");
  std::string port = std::to_string(inner.port());
  async::CurlMultiSet multis(loop.get(), 1);
  UrlFilter filter({});
  DnsCache dns({});
  dns.store("localhost", {"127.0.0.3", {}, {"127.0.0.2"}}, std::chrono::steady_clock::now());
  async::FetchRequest request;
  request.url = "http://localhost:" + port + "/robots.txt";

  AdmissionGate gate(multis, filter, AddressPolicy());
  gate.add_seed("http://localhost:" + port + "/");
  gate.use_dns(dns);
  bool first_only = true;
  gate.use_first_address_only([&first_only] { return first_only; });
  async::FetchResult fetched = co_await gate.fetch(RequestKind::kRobots, request);
  EXPECT_EQ(fetched.error, async::FetchError::kConnect) << fetched.error_message;
  EXPECT_EQ(inner.request_count(), 0u);

  first_only = false;
  fetched = co_await gate.fetch(RequestKind::kRobots, request);
  EXPECT_TRUE(fetched.ok()) << fetched.error_message;
  EXPECT_EQ(fetched.remote_address, "127.0.0.2");
  EXPECT_EQ(inner.request_count(), 1u);
  multis.shutdown();
}

// The gate is the only caller of async::fetch in the crawler: any other path
// to the network would bypass it (and, with no connect check, be refused at
// run time). A new caller must go through AdmissionGate::fetch.
TEST(AdmissionGate, IsTheOnlyCallerOfFetchInTheCrawler) {
  const std::filesystem::path root = std::filesystem::path(CRAWLER_SOURCE_DIR) / "crawler";
  std::vector<std::string> callers;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".cpp") continue;
    std::ifstream in(entry.path());
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Outside crawler::async a call is qualified; inside it, only fetch.cpp
    // (which defines it) could name it bare.
    if (text.find("async::fetch(") != std::string::npos ||
        (entry.path().filename() != "fetch.cpp" && text.find(" fetch(multi") != std::string::npos))
      callers.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(callers, (std::vector<std::string>{"admission_gate.cpp"}));
}

}  // namespace
}  // namespace crawler
