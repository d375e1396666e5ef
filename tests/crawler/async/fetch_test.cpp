#include "crawler/async/fetch.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <vector>

#include "crawler/async/curl_multi.hpp"
#include "crawler/async/curl_multi_set.hpp"
#include "crawler/async/sleep.hpp"
#include "crawler/async/task_scope.hpp"
#include "tests/crawler/async/co_test.hpp"
#include "tests/support/test_server.hpp"

namespace crawler::async {
namespace {

using namespace std::chrono_literals;
using crawler::testing::TestServer;

FetchRequest get(const std::string& url) {
  FetchRequest request;
  request.url = url;
  request.total_timeout_ms = 10'000;
  request.connect_check = [](const sockaddr*) { return std::optional<std::string>(); };
  return request;
}

CO_TEST(Fetch, ReturnsStatusHeadersTypeAndBody) {
  TestServer server;
  CurlMulti multi(loop.get());
  FetchResult result = co_await fetch(multi, get(server.url("/site/10/0")));
  EXPECT_TRUE(result.ok()) << result.error_message;
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(result.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(result.body.find("<title>Page 0</title>"), std::string::npos);
  EXPECT_EQ(result.bytes, result.body.size());
  EXPECT_EQ(result.final_url, server.url("/site/10/0"));
  EXPECT_GT(result.timings.total_s, 0);
}

CO_TEST(Fetch, AnHttpErrorIsAResponseNotAFailure) {
  TestServer server;
  CurlMulti multi(loop.get());
  FetchResult result = co_await fetch(multi, get(server.url("/status/503")));
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.status, 503);
}

CO_TEST(Fetch, ARedirectIsReturnedNotFollowed) {
  TestServer server;
  CurlMulti multi(loop.get());
  FetchResult result = co_await fetch(multi, get(server.url("/redirect/3")));
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.status, 302);
  EXPECT_EQ(result.header("location"), "/redirect/2");
  EXPECT_EQ(result.final_url, server.url("/redirect/3"));
  EXPECT_EQ(server.request_count(), 1u);
}

CO_TEST(Fetch, WithoutAConnectCheckNothingIsSent) {
  TestServer server;
  CurlMulti multi(loop.get());
  FetchRequest request = get(server.url("/site/10/0"));
  request.connect_check = nullptr;
  FetchResult result = co_await fetch(multi, request);
  EXPECT_EQ(result.error, FetchError::kBlocked);
  EXPECT_EQ(to_string(result.error), "blocked");
  EXPECT_EQ(server.request_count(), 0u);
}

CO_TEST(Fetch, TheConnectCheckSeesTheResolvedAddressAndCanRefuseIt) {
  TestServer server;
  CurlMulti multi(loop.get());
  std::string seen_family;
  FetchRequest request = get(server.url("/site/10/0"));
  request.connect_check = [&seen_family](const sockaddr* address) {
    seen_family = address->sa_family == AF_INET ? "inet" : "other";
    return std::optional<std::string>("127.0.0.1 is a loopback address");
  };
  FetchResult result = co_await fetch(multi, request);
  EXPECT_EQ(result.error, FetchError::kBlocked);
  EXPECT_EQ(seen_family, "inet");
  EXPECT_NE(result.error_message.find("loopback"), std::string::npos) << result.error_message;
  EXPECT_EQ(server.request_count(), 0u);
}

CO_TEST(Fetch, AResetConnectionIsReported) {
  TestServer server;
  CurlMulti multi(loop.get());
  FetchResult result = co_await fetch(multi, get(server.url("/reset")));
  EXPECT_EQ(result.error, FetchError::kReset) << result.error_message;
}

CO_TEST(Fetch, ATruncatedBodyIsReported) {
  TestServer server;
  CurlMulti multi(loop.get());
  FetchResult result = co_await fetch(multi, get(server.url("/truncated")));
  EXPECT_EQ(result.error, FetchError::kTruncated) << result.error_message;
  EXPECT_EQ(result.status, 200);
}

CO_TEST(Fetch, ARefusedConnectionIsReported) {
  int port = 0;
  {
    TestServer server;  // bind, learn a free port, release it
    port = server.port();
  }
  CurlMulti multi(loop.get());
  FetchResult result = co_await fetch(multi, get("http://127.0.0.1:" + std::to_string(port) + "/"));
  EXPECT_EQ(result.error, FetchError::kConnect) << result.error_message;
  EXPECT_EQ(result.status, 0);
}

CO_TEST(Fetch, ASlowServerTimesOut) {
  TestServer server;
  CurlMulti multi(loop.get());
  FetchRequest request = get(server.url("/delay/5000"));
  request.total_timeout_ms = 200;
  auto start = std::chrono::steady_clock::now();
  FetchResult result = co_await fetch(multi, request);
  EXPECT_EQ(result.error, FetchError::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
}

CO_TEST(Fetch, CapsTheBodyAndMarksItTruncated) {
  TestServer server;
  CurlMulti multi(loop.get());
  FetchRequest request = get(server.url("/big/100000"));
  request.max_body_bytes = 1000;
  FetchResult result = co_await fetch(multi, request);
  EXPECT_TRUE(result.ok()) << result.error_message;
  EXPECT_TRUE(result.truncated);
  EXPECT_EQ(result.body.size(), 1000u);
}

CO_TEST(Fetch, ReusesTheConnectionForTheSameHost) {
  TestServer server;
  CurlMulti multi(loop.get());
  FetchResult first = co_await fetch(multi, get(server.url("/site/10/1")));
  FetchResult second = co_await fetch(multi, get(server.url("/site/10/2")));
  EXPECT_TRUE(first.ok() && second.ok());
  auto requests = server.requests();
  EXPECT_EQ(requests.size(), 2u);
  if (requests.size() == 2) {
    EXPECT_EQ(requests[0].connection_id, requests[1].connection_id);
  }
}

Task<void> fetch_into(CurlMulti& multi, std::string url, std::vector<FetchResult>& out) {
  out.push_back(co_await fetch(multi, get(url)));
}

CO_TEST(Fetch, RunsManyTransfersConcurrently) {
  TestServer server;
  CurlMulti multi(loop.get());
  TaskScope scope;
  std::vector<FetchResult> results;
  constexpr int kCount = 500;
  for (int i = 0; i < kCount; ++i)
    scope.spawn(fetch_into(multi, server.url("/delay/300?i=" + std::to_string(i)), results));
  co_await scope.join();
  EXPECT_EQ(results.size(), static_cast<size_t>(kCount));
  int ok = 0;
  for (const auto& r : results) ok += r.ok() && r.status == 200;
  EXPECT_EQ(ok, kCount);
  // All were in flight together: the server saw one connection per transfer.
  std::set<std::uint64_t> connections;
  for (const auto& record : server.requests()) connections.insert(record.connection_id);
  EXPECT_EQ(connections.size(), static_cast<size_t>(kCount));
}

Task<void> fetch_request_into(CurlMulti& multi, FetchRequest request,
                              std::vector<FetchResult>& out) {
  out.push_back(co_await fetch(multi, std::move(request)));
}

// A transfer that finds every connection taken asks for a fresh one rather
// than let libcurl walk them all (OriginConnections): the connections of a
// finished batch still serve the next, and only what is missing is opened.
CO_TEST(Fetch, ABatchReusesTheConnectionsOfTheLastAndOpensOnlyWhatIsMissing) {
  TestServer server;
  CurlMulti multi(loop.get());
  std::vector<FetchResult> results;
  for (int count : {20, 30}) {
    TaskScope scope;
    for (int i = 0; i < count; ++i) {
      FetchRequest request = get(server.url("/delay/100?i=" + std::to_string(i)));
      request.origin = server.base_url();
      scope.spawn(fetch_request_into(multi, std::move(request), results));
    }
    co_await scope.join();
  }
  int ok = 0;
  for (const auto& r : results) ok += r.ok() && r.status == 200;
  EXPECT_EQ(ok, 50);
  std::set<std::uint64_t> connections;
  for (const auto& record : server.requests()) connections.insert(record.connection_id);
  EXPECT_EQ(connections.size(), 30u);
  EXPECT_EQ(multi.origins().connections(server.base_url()), 30u);
  multi.shutdown();
  EXPECT_EQ(multi.origins().origins(), 0u);  // every socket closed was counted
}

// A pool keeping 4 connections, 12 transfers at once: the 8 begun beyond
// the 4 close their connections as they end, and the first 4 keep theirs
// for the next batch (libcurl alone would keep whichever 4 ended last).
CO_TEST(Fetch, TransfersBegunBeyondThePoolCloseTheirConnectionsAndTheFirstKeepTheirs) {
  TestServer server;
  CurlMulti multi(loop.get(), /*max_connections=*/4);
  std::vector<FetchResult> results;
  for (const char* batch : {"first", "second"}) {
    TaskScope scope;
    for (int i = 0; i < (batch == std::string("first") ? 12 : 4); ++i) {
      FetchRequest request =
          get(server.url("/delay/100?" + std::string(batch) + std::to_string(i)));
      request.origin = server.base_url();
      scope.spawn(fetch_request_into(multi, std::move(request), results));
    }
    co_await scope.join();
    EXPECT_EQ(multi.origins().connections(server.base_url()), 4u) << batch;
  }
  int ok = 0;
  for (const auto& r : results) ok += r.ok() && r.status == 200;
  EXPECT_EQ(ok, 16);
  std::set<std::uint64_t> first_four, second;
  for (const auto& record : server.requests()) {
    std::string query = record.target.substr(record.target.find('?') + 1);
    if (query == "first0" || query == "first1" || query == "first2" || query == "first3")
      first_four.insert(record.connection_id);
    if (query.starts_with("second")) second.insert(record.connection_id);
  }
  EXPECT_EQ(first_four.size(), 4u);
  EXPECT_EQ(second, first_four);
  multi.shutdown();
}

// A pool full of idle connections keeps them: a transfer to a new origin
// closes its own connection as it ends, rather than make libcurl close the
// one idle longest, which a crawl rotating over its origins needs next.
CO_TEST(Fetch, AFullPoolKeepsItsIdleConnectionsAndANewOriginClosesItsOwn) {
  TestServer a, b, c;
  CurlMulti multi(loop.get(), /*max_connections=*/2);
  for (TestServer* server : {&a, &b, &c, &a, &b}) {
    FetchRequest request = get(server->url("/site/1/0"));
    request.origin = server->base_url();
    FetchResult result = co_await fetch(multi, std::move(request));
    EXPECT_EQ(result.status, 200) << result.error_message;
  }
  EXPECT_EQ(multi.origins().connections(c.base_url()), 0u);
  for (TestServer* server : {&a, &b}) {
    auto requests = server->requests();
    EXPECT_EQ(requests.size(), 2u);
    if (requests.size() == 2) {
      EXPECT_EQ(requests[0].connection_id, requests[1].connection_id) << server->base_url();
    }
  }
  multi.shutdown();
}

// Nothing more of its origin due: the transfer closes its connection, which
// would otherwise take a place in the pool from an origin that has more.
CO_TEST(Fetch, ATransferThatKeepsNoConnectionClosesItsOwn) {
  TestServer server;
  CurlMulti multi(loop.get());
  for (bool keep : {true, true, false}) {
    FetchRequest request = get(server.url("/site/1/0"));
    request.origin = server.base_url();
    request.keep_connection = keep;
    FetchResult result = co_await fetch(multi, std::move(request));
    EXPECT_EQ(result.status, 200) << result.error_message;
    EXPECT_EQ(multi.origins().connections(server.base_url()), keep ? 1u : 0u);
  }
  auto requests = server.requests();
  EXPECT_EQ(requests.size(), 3u);
  if (requests.size() == 3) {
    EXPECT_EQ(requests[0].connection_id, requests[2].connection_id);  // the last one reused it
  }
  multi.shutdown();
}

// libcurl keeps a CURLOPT_RESOLVE entry for good, and walks its whole DNS
// cache as each transfer ends: once no transfer uses a host, the next
// transfer drops its entry, so the cache holds the hosts in flight.
CO_TEST(Fetch, AHostsPinnedAddressIsDroppedOnceNoTransferUsesIt) {
  TestServer server;
  CurlMulti multi(loop.get());
  std::string name = "pinned.invalid:" + std::to_string(server.port());
  auto pinned = [&](bool with_entry) {
    FetchRequest request = get("http://" + name + "/site/1/0");
    if (with_entry) request.resolve = {name + ":127.0.0.1"};
    request.dns_key = name;
    request.origin = "http://" + name;
    request.keep_connection = false;     // or the next would need no address
    request.connect_timeout_ms = 3'000;  // a DNS server that never answers
    return request;
  };
  FetchResult first = co_await fetch(multi, pinned(true));
  EXPECT_EQ(first.status, 200) << first.error_message;
  // In use again before any transfer dropped it: libcurl still has it.
  FetchResult again = co_await fetch(multi, pinned(false));
  EXPECT_EQ(again.status, 200) << again.error_message;
  FetchResult elsewhere = co_await fetch(multi, get(server.url("/site/1/0")));
  EXPECT_EQ(elsewhere.status, 200) << elsewhere.error_message;
  EXPECT_EQ(multi.dns_entries().unused(), 0u);  // it carried the removal
  FetchResult dropped = co_await fetch(multi, pinned(false));
  EXPECT_FALSE(dropped.ok());  // libcurl had to resolve the name itself
  EXPECT_EQ(server.requests().size(), 3u);
  multi.shutdown();
}

Task<void> cancel_after(uv_loop_t* loop, CurlMulti& multi, std::chrono::milliseconds delay) {
  co_await sleep_for(loop, delay);
  multi.cancel_all();
}

CO_TEST(CurlMulti, CancelAllResumesWaitersWithCancelled) {
  TestServer server;
  CurlMulti multi(loop.get());
  TaskScope scope;
  scope.spawn(cancel_after(loop.get(), multi, 50ms));
  FetchResult result = co_await fetch(multi, get(server.url("/delay/5000")));
  co_await scope.join();
  EXPECT_EQ(result.error, FetchError::kCancelled);
  EXPECT_EQ(multi.in_flight(), 0u);
}

// A waiter that cancel_all resumes and that starts another transfer at once
// (as a page whose robots.txt fetch was cancelled might) sees it cancelled
// too, rather than left running past the cancellation.
Task<void> fetch_twice(CurlMulti& multi, std::string url, std::vector<FetchResult>& out) {
  out.push_back(co_await fetch(multi, get(url)));
  out.push_back(co_await fetch(multi, get(url)));
}

CO_TEST(CurlMulti, CancelAllAlsoCancelsTransfersItsWaitersStart) {
  TestServer server;
  CurlMulti multi(loop.get());
  TaskScope scope;
  std::vector<FetchResult> results;
  scope.spawn(fetch_twice(multi, server.url("/delay/5000"), results));
  scope.spawn(cancel_after(loop.get(), multi, 50ms));
  auto started = std::chrono::steady_clock::now();
  co_await scope.join();
  EXPECT_EQ(results.size(), 2u);
  for (const auto& result : results) EXPECT_EQ(result.error, FetchError::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  EXPECT_EQ(multi.in_flight(), 0u);
  // Cancelling is over: a new transfer runs.
  FetchResult after = co_await fetch(multi, get(server.url("/site/10/0")));
  EXPECT_TRUE(after.ok());
}

Task<void> fetch_twice_on(CurlMulti& first, CurlMulti& second, std::string url,
                          std::vector<FetchResult>& out) {
  out.push_back(co_await fetch(first, get(url)));
  out.push_back(co_await fetch(second, get(url)));
}

Task<void> cancel_set_after(uv_loop_t* loop, CurlMultiSet& set, std::chrono::milliseconds delay) {
  co_await sleep_for(loop, delay);
  set.cancel_all();
}

CO_TEST(CurlMultiSet, CancelAllAlsoCancelsTransfersStartedOnAMultiAlreadyCancelled) {
  TestServer server;
  CurlMultiSet set(loop.get(), 2 * CurlMultiSet::kTransfersPerMulti);
  EXPECT_EQ(set.size(), 2u);
  // Two origins on different multis: the first transfer goes to one, the
  // next (after the cancellation) to the other.
  CurlMulti& first = set.for_origin("http://a.test");
  CurlMulti* second = &first;
  for (int i = 0; second == &first; ++i)
    second = &set.for_origin("http://b" + std::to_string(i) + ".test");
  TaskScope scope;
  std::vector<FetchResult> results;
  scope.spawn(fetch_twice_on(first, *second, server.url("/delay/5000"), results));
  scope.spawn(cancel_set_after(loop.get(), set, 50ms));
  auto started = std::chrono::steady_clock::now();
  co_await scope.join();
  EXPECT_EQ(results.size(), 2u);
  for (const auto& result : results) EXPECT_EQ(result.error, FetchError::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
  // Sticky: past the cancellation (a crawl's grace deadline) nothing starts.
  FetchResult later = co_await fetch(set.for_origin(server.url("")), get(server.url("/site/10/0")));
  EXPECT_EQ(later.error, FetchError::kCancelled);
  for (const auto& request : server.requests()) EXPECT_NE(request.target, "/site/10/0");
  set.shutdown();
}

// A frame freed while libcurl still points into it would be a silent
// use-after-free; it must be a loud abort instead.
TEST(CurlMultiDeathTest, ATransferDestroyedInFlightAborts) {
  EXPECT_DEATH(
      {
        Loop loop;
        CurlMulti multi(loop.get());
        CURL* easy = curl_easy_init();
        curl_easy_setopt(easy, CURLOPT_URL, "http://127.0.0.1:1/");
        {
          CurlMulti::Transfer transfer = multi.transfer(easy);
          transfer.await_suspend(std::noop_coroutine());
        }
      },
      "destroyed while libcurl still used it");
}

CO_TEST(CurlMulti, ShutdownWithOpenConnectionsLeavesNoHandle) {
  TestServer server;
  CurlMulti multi(loop.get());
  FetchResult result = co_await fetch(multi, get(server.url("/site/10/0")));
  EXPECT_TRUE(result.ok());
  multi.shutdown();  // the keep-alive connection is still open here
  multi.shutdown();  // and a second call is harmless
}

}  // namespace
}  // namespace crawler::async
