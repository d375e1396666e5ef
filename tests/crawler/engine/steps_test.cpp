// The visit's steps, each alone: a step needs a VisitContext, not an engine.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "crawler/async/curl_multi_set.hpp"
#include "crawler/async/run.hpp"
#include "crawler/async/sleep.hpp"
#include "crawler/engine/origin_lookups.hpp"
#include "crawler/engine/steps/fetch_step.hpp"
#include "crawler/engine/steps/html_step.hpp"
#include "crawler/engine/steps/record_sink.hpp"
#include "crawler/engine/steps/redirect_step.hpp"
#include "crawler/engine/steps/resolve_step.hpp"
#include "crawler/engine/steps/retry_step.hpp"
#include "crawler/engine/steps/revisit_policy.hpp"
#include "crawler/engine/steps/robots_step.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "tests/support/test_server.hpp"

namespace crawler {
namespace {

using namespace std::chrono_literals;

// The test's own directory for its database, removed with it at the end.
struct ScratchDir {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("steps_test_" + std::to_string(::getpid()) + "_" +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  ScratchDir() {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  std::string db() const { return (dir / "crawl.db").string(); }
};

FrontierLimits no_delay() {
  FrontierLimits limits;
  limits.min_delay = 0ms;
  limits.max_per_host = 8;
  limits.backoff_base = 1000ms;
  return limits;
}

// Closes the loop after everything built on it is gone.
struct LoopOwner {
  async::Loop loop;
  ~LoopOwner() { loop.close(); }
};

// Everything a step may touch, real and small; no engine.
struct Steps : ScratchDir, LoopOwner {  // the directory goes last
  config::CrawlOptions options;
  CrawlSummary summary;
  bool stopping = false;
  async::CurlMultiSet multis{loop.get(), 1};
  Frontier frontier{no_delay()};
  UrlFilter filter{UrlFilterOptions{}};
  AdmissionGate gate;
  QueueAdmission admission{gate, filter, std::nullopt, summary.skipped};
  storage::SqliteStore store{db()};
  PageWriter writer{loop.get(), store, {}};
  VisitContext context{loop, options, "crawler", frontier, admission, writer, summary, stopping};

  explicit Steps(std::vector<std::string> allowed_ranges = {})
      : gate(multis, filter, AddressPolicy(std::move(allowed_ranges))) {
    options.max_retries = 2;
    options.max_redirects = 2;
    filter.add_seed("http://a.test/");
    gate.add_seed("http://a.test/");
  }
  // What a step gave the writer is written before the writer goes, as the
  // engine's end does (a batch still on the writer's thread would be lost).
  ~Steps() {
    async::run_until_done(loop, writer.flush());
    multis.shutdown();
  }
  // The URL as the frontier hands it out: in flight.
  FrontierUrl take(const std::string& url) {
    frontier.add_seed(url);
    std::optional<FrontierUrl> next = frontier.next(Clock::now());
    if (!next) throw std::logic_error("the frontier did not hand out " + url);
    return std::move(*next);
  }
};

async::FetchResult response(long status,
                            std::vector<std::pair<std::string, std::string>> headers = {}) {
  async::FetchResult result;
  result.status = status;
  result.headers = std::move(headers);
  return result;
}

TEST(RetryStep, ATransientFailureGoesBackToTheFrontierWithinTheBudget) {
  Steps s;
  RetryStep retry(s.context);
  FrontierUrl url = s.take("http://a.test/x");
  EXPECT_EQ(retry.retry_later(url, response(503)), VisitOutcome::kRetried);
  EXPECT_EQ(s.summary.retries, 1u);
  EXPECT_EQ(s.frontier.in_flight(), 0u);  // handed back, waiting out the back-off
  EXPECT_EQ(s.frontier.queued(), 1u);
}

TEST(RetryStep, APermanentAnswerOrASpentBudgetIsFinal) {
  Steps s;
  RetryStep retry(s.context);
  FrontierUrl url = s.take("http://a.test/x");
  EXPECT_FALSE(retry.retry_later(url, response(404)));
  url.attempt = 2;  // --retries 2: tried three times
  EXPECT_FALSE(retry.retry_later(url, response(503)));
  EXPECT_EQ(s.summary.retries, 0u);
}

TEST(RetryStep, WhileStoppingATransientFailureIsLeftForTheNextRun) {
  Steps s;
  RetryStep retry(s.context);
  FrontierUrl url = s.take("http://a.test/x");
  s.stopping = true;
  async::FetchResult refused;
  refused.error = async::FetchError::kConnect;
  EXPECT_EQ(retry.retry_later(url, refused), VisitOutcome::kAbandoned);
}

TEST(RedirectStep, QueuesTheTargetAtTheSameDepthWithItsChain) {
  Steps s;
  RedirectStep redirect(s.context);
  FrontierUrl url = s.take("http://a.test/old");
  storage::PageRecord record;
  redirect.follow(url, response(301, {{"Location", "/new"}}), record);
  EXPECT_EQ(record.error, "");
  EXPECT_EQ(record.redirect_to, "http://a.test/new");
  EXPECT_EQ(record.queued, std::vector<std::string>{"http://a.test/new"});
  s.frontier.done(url);
  auto target = s.frontier.next(Clock::now());
  ASSERT_TRUE(target);
  EXPECT_EQ(target->redirect_chain, std::vector<std::string>{"http://a.test/old"});
}

TEST(RedirectStep, RefusesLoopsLongChainsAndInternalTargets) {
  Steps s;
  RedirectStep redirect(s.context);
  FrontierUrl url = s.take("http://a.test/a");
  storage::PageRecord loop_record;
  redirect.follow(url, response(302, {{"Location", "/a"}}), loop_record);
  EXPECT_EQ(loop_record.error, "redirect_loop");

  url.redirect_chain = {"http://a.test/1", "http://a.test/2"};  // --max-redirects 2
  storage::PageRecord long_record;
  redirect.follow(url, response(302, {{"Location", "/3"}}), long_record);
  EXPECT_EQ(long_record.error, "too_many_redirects");

  url.redirect_chain.clear();
  storage::PageRecord inward;
  redirect.follow(url, response(302, {{"Location", "http://127.0.0.1:6379/"}}), inward);
  EXPECT_EQ(inward.error, "blocked");
  EXPECT_EQ(s.summary.skipped["internal_address"], 1u);
  EXPECT_TRUE(inward.queued.empty());
}

TEST(RevisitPolicy, AnUnchangedPageWaitsTwiceAsLongAndAChangedOneHalf) {
  Steps s;
  s.options.revisit_min_ms = 60'000;
  s.options.revisit_max_ms = 30L * 86400 * 1000;
  RevisitPolicy policy(s.context);
  FrontierUrl url = s.take("http://a.test/x");
  storage::PageRecord first;
  policy.judge(url, response(200, {{"ETag", "\"v1\""}}), first);
  EXPECT_EQ(first.revisit_after_s, 86'400);
  EXPECT_EQ(first.etag, "\"v1\"");

  storage::DuePage due;
  due.url = url.url.text();
  due.revisit_after_s = 1000;
  due.content_hash = "abc";
  url.revisit = std::make_shared<storage::DuePage>(due);
  storage::PageRecord same;
  policy.judge(url, response(304), same);
  EXPECT_TRUE(same.unchanged);
  EXPECT_EQ(same.revisit_after_s, 2000);
  storage::PageRecord changed;
  changed.content_hash = "def";
  policy.judge(url, response(200), changed);
  EXPECT_FALSE(changed.unchanged);
  EXPECT_EQ(changed.revisit_after_s, 500);
  EXPECT_EQ(s.summary.revisits, 2u);
  EXPECT_EQ(s.summary.revisits_changed, 1u);
}

TEST(RecordSink, CountsEachRecordByItsOutcomeAndNotesItsOrigin) {
  Steps s;
  RecordSink sink(s.context);
  FrontierUrl url = s.take("http://a.test/x");
  storage::PageRecord ok = sink.start(url);
  EXPECT_EQ(ok.url, "http://a.test/x");
  EXPECT_EQ(ok.attempts, 1);
  sink.store(ok, url.origin());
  storage::PageRecord failed = sink.start(s.take("http://a.test/y"));
  failed.error = "http_404";
  sink.store(failed, "http://a.test");
  EXPECT_EQ(s.summary.stored_ok, 1u);
  EXPECT_EQ(s.summary.failed["http_404"], 1u);
  EXPECT_NE(sink.fetch_log().tally("http://a.test"), nullptr);
  EXPECT_EQ(s.writer.backlog(), 2u);
  async::run_until_done(s.loop, s.writer.flush());
  EXPECT_EQ(s.writer.written(), 2u);
}

async::FetchResult html(std::string body,
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
  async::FetchResult result = response(200, std::move(headers));
  result.content_type = "text/html; charset=utf-8";
  result.final_url = "http://a.test/";
  result.body = std::move(body);
  return result;
}

constexpr const char* kPage =
    "<title>T</title><p>Hello <a href=/in>in</a> <a href=http://other.test/>out</a> "
    "<a rel=nofollow href=/nf>nf</a>";

TEST(HtmlStep, KeepsEveryLinkAndQueuesTheAdmittedFollowableOnes) {
  Steps s;
  HtmlStep step(s.context);
  FrontierUrl url = s.take("http://a.test/");
  async::FetchResult result = html(kPage);
  storage::PageRecord record;
  EXPECT_TRUE(async::run_until_done(s.loop, step.read(url, result, record)));
  EXPECT_EQ(record.title, "T");
  EXPECT_EQ(record.links, (std::vector<std::string>{"http://a.test/in", "http://other.test/",
                                                    "http://a.test/nf"}));
  EXPECT_EQ(record.queued, std::vector<std::string>{"http://a.test/in"});
  EXPECT_EQ(record.queued_depth, 1);
  EXPECT_EQ(s.summary.skipped["out_of_scope"], 1u);
}

TEST(HtmlStep, AnXRobotsTagForUsStopsIndexingAndFollowing) {
  Steps s;
  HtmlStep step(s.context);
  FrontierUrl url = s.take("http://a.test/");
  async::FetchResult result = html(
      kPage, {{"X-Robots-Tag", "otherbot: none"}, {"X-Robots-Tag", "crawler: noindex, nofollow"}});
  storage::PageRecord record;
  EXPECT_TRUE(async::run_until_done(s.loop, step.read(url, result, record)));
  EXPECT_TRUE(record.noindex);
  EXPECT_EQ(record.title, "");
  EXPECT_EQ(record.links.size(), 3u);  // kept as links, not queued
  EXPECT_TRUE(record.queued.empty());

  // Another robot's directives are not ours.
  FrontierUrl other = s.take("http://a.test/other");
  async::FetchResult for_another = html(kPage, {{"X-Robots-Tag", "otherbot: noindex, nofollow"}});
  storage::PageRecord indexed;
  EXPECT_TRUE(async::run_until_done(s.loop, step.read(other, for_another, indexed)));
  EXPECT_FALSE(indexed.noindex);
  EXPECT_EQ(indexed.title, "T");
}

TEST(HtmlStep, ACancelledParseLeavesThePageForTheNextRun) {
  Steps s;
  HtmlStep step(s.context);
  step.cancel();
  FrontierUrl url = s.take("http://a.test/");
  std::string big;
  for (int i = 0; i < 20'000; ++i) big += "<p>text <a href=/p" + std::to_string(i) + ">x</a>";
  async::FetchResult result = html(big);
  storage::PageRecord record;
  EXPECT_FALSE(async::run_until_done(s.loop, step.read(url, result, record)));
  EXPECT_TRUE(record.links.empty());
}

// Steps against the loopback test server, with RobotsStep and what it feeds
// (sitemaps, the settler): a real RobotsCache, no engine.
struct ServedSteps : Steps {
  testing::TestServer server;
  RobotsCache cache;
  SitemapSource sitemaps{context};
  RecordSink sink{context};
  RevisitPolicy revisits{context};
  OriginSettler settler{context, store, sink, revisits, {[](const std::string&) {}, [] {}}};
  RobotsStep step{context, cache, sitemaps, settler};

  explicit ServedSteps(RobotsCacheOptions robots = {})
      : Steps({"127.0.0.0/8"}), cache(loop.get(), gate, with_requests(std::move(robots))) {
    filter.add_seed(server.url("/"));
    gate.add_seed(server.url("/"));
  }
  RobotsCacheOptions with_requests(RobotsCacheOptions robots) {
    robots.requests = RequestBuilder(options);
    return robots;
  }
  RobotsVerdict check(FrontierUrl& url, storage::PageRecord& record) {
    return async::run_until_done(loop, step.check(url, record));
  }
  std::size_t robots_requests() const {
    std::size_t count = 0;
    for (const auto& request : server.requests()) count += request.target == "/robots.txt";
    return count;
  }
};

TEST(RobotsStep, RefusesByTheRuleItNamesAndLearnsTheDelayAndSitemaps) {
  ServedSteps s;
  s.server.set_response("/robots.txt",
                        {200,
                         {},
                         "User-agent: *\nCrawl-delay: 5\nDisallow: /private\nSitemap: " +
                             s.server.url("/sm.xml") + "\n"});
  FrontierUrl open = s.take(s.server.url("/open"));
  FrontierUrl closed = s.take(s.server.url("/private/x"));
  storage::PageRecord open_record, closed_record;
  // Fetching robots.txt took the origin's turn: the page goes at the next.
  EXPECT_EQ(s.check(open, open_record), RobotsVerdict::kTurnTaken);
  EXPECT_EQ(s.check(open, open_record), RobotsVerdict::kAllowed);
  EXPECT_EQ(s.check(closed, closed_record), RobotsVerdict::kRefused);
  EXPECT_EQ(closed_record.error, "robots_disallowed");
  EXPECT_EQ(closed_record.error_detail, "robots.txt line 3: Disallow: /private");
  EXPECT_EQ(s.summary.robots_denied, 1u);
  EXPECT_EQ(s.robots_requests(), 1u);  // asked once for the origin
  // The sitemap is queued, and waits out the Crawl-delay like any request.
  s.frontier.done(open);
  s.frontier.done(closed);
  auto now = Clock::now();
  EXPECT_FALSE(s.frontier.next(now + 1s));
  auto sitemap = s.frontier.next(now + 6s);
  ASSERT_TRUE(sitemap);
  EXPECT_EQ(sitemap->kind, UrlKind::kSitemap);
  EXPECT_EQ(sitemap->url.text(), s.server.url("/sm.xml"));
}

TEST(RobotsStep, AnUnreachableFileMakesItsUrlsWaitThenGivesTheOriginUpAtOnce) {
  RobotsCacheOptions robots;
  robots.unreachable_attempts = 2;
  robots.unreachable_ttl = 50ms;
  ServedSteps s(robots);
  s.options.max_retries = 1;  // as the engine sets the cache: two attempts
  s.server.set_response("/robots.txt", {503, {}, "busy"});
  FrontierUrl first = s.take(s.server.url("/a"));
  FrontierUrl second = s.take(s.server.url("/b"));
  s.frontier.add(s.server.url("/c"), 1);  // queued, never handed out
  storage::PageRecord record;
  EXPECT_EQ(s.check(first, record), RobotsVerdict::kWaiting);
  EXPECT_EQ(s.check(second, record), RobotsVerdict::kWaiting);  // the same attempt
  EXPECT_EQ(s.summary.retries, 1u);
  EXPECT_EQ(s.frontier.in_flight(), 0u);
  EXPECT_EQ(s.frontier.queued(), 3u);

  std::this_thread::sleep_for(60ms);  // the next attempt is due
  std::optional<FrontierUrl> again = s.frontier.next(Clock::now() + 1s);
  ASSERT_TRUE(again);
  storage::PageRecord given_up;
  EXPECT_EQ(s.check(*again, given_up), RobotsVerdict::kRefused);
  EXPECT_EQ(given_up.error, "robots_unreachable");
  EXPECT_EQ(s.robots_requests(), 2u);
  // The other two are settled without a fetch, each once.
  async::run_until_done(s.loop, s.settler.join());
  async::run_until_done(s.loop, s.writer.flush());
  EXPECT_FALSE(s.settler.busy());
  EXPECT_EQ(s.frontier.queued(), 0u);
  EXPECT_EQ(s.summary.robots_unreachable, 3u);
  EXPECT_EQ(s.writer.written(), 2u);  // the caller stores the third
}

TEST(FetchStep, ARevisitAsksWithItsValidatorsAndTheRecordSaysWhatCameBack) {
  ServedSteps s;
  s.options.keep_raw = true;
  s.server.set_response("/p", {200, {{"ETag", "\"v2\""}}, "hello"});
  FetchStep fetch(s.context, s.gate);
  storage::DuePage due;
  due.url = s.server.url("/p");
  due.etag = "\"v1\"";
  due.last_modified = "Sat, 01 Jan 2000 00:00:00 GMT";
  s.frontier.revisit(due);
  std::optional<FrontierUrl> url = s.frontier.next(Clock::now());
  ASSERT_TRUE(url && url->revisit);
  async::FetchResult result = async::run_until_done(s.loop, fetch.fetch(*url));
  EXPECT_NE(result.raw_request.find("\r\nIf-None-Match: \"v1\"\r\n"), std::string::npos);
  EXPECT_NE(result.raw_request.find("\r\nIf-Modified-Since: Sat, 01 Jan 2000 00:00:00 GMT\r\n"),
            std::string::npos);
  storage::PageRecord record;
  async::run_until_done(s.loop, fetch.record_response(result, record));
  EXPECT_EQ(record.status, 200);
  EXPECT_EQ(record.bytes, 5);
  EXPECT_EQ(record.error, "");
  EXPECT_EQ(record.content_hash.size(), 16u);
  EXPECT_EQ(s.summary.responses[2], 1u);
}

TEST(FetchStep, AnHttpErrorAndAFailedFetchAreRecordedAndCounted) {
  ServedSteps s;
  s.server.set_response("/gone", {404, {}, "no"});
  FetchStep fetch(s.context, s.gate);
  FrontierUrl gone = s.take(s.server.url("/gone"));
  storage::PageRecord gone_record;
  async::FetchResult answered = async::run_until_done(s.loop, fetch.fetch(gone));
  async::run_until_done(s.loop, fetch.record_response(answered, gone_record));
  EXPECT_EQ(gone_record.error, "http_404");
  EXPECT_TRUE(gone_record.content_hash.empty());  // only a 200's body is hashed
  async::FetchResult refused;
  refused.error = async::FetchError::kConnect;
  refused.error_message = "Couldn't connect to server";
  storage::PageRecord refused_record;
  async::run_until_done(s.loop, fetch.record_response(refused, refused_record));
  EXPECT_EQ(refused_record.error, "connect");
  EXPECT_EQ(refused_record.error_detail, "Couldn't connect to server");
  EXPECT_EQ(s.summary.http_errors, 1u);
  EXPECT_EQ(s.summary.fetch_errors, 1u);
  EXPECT_EQ(s.summary.errors["connect"], 1u);
}

// An origin's connection is kept after a fetch only if more of it is due: a
// first page links on, unless it sits at the depth limit.
TEST(FetchStep, AFirstPageAtTheDepthLimitClosesItsConnection) {
  ServedSteps s;
  QueueAdmission shallow{s.gate, s.filter, 1, s.summary.skipped};
  VisitContext context{s.loop,  s.options, "crawler", s.frontier,
                       shallow, s.writer,  s.summary, s.stopping};
  FetchStep fetch(context, s.gate);
  std::string origin = s.server.base_url();
  auto connections = [&] { return s.multis.for_origin(origin).origins().connections(origin); };
  s.frontier.add(s.server.url("/site/1/0"), 1);  // at the limit: links nowhere
  std::optional<FrontierUrl> deep = s.frontier.next(Clock::now());
  ASSERT_TRUE(deep);
  EXPECT_EQ(async::run_until_done(s.loop, fetch.fetch(*deep)).status, 200);
  EXPECT_EQ(connections(), 0u);
  FrontierUrl seed = s.take(s.server.url("/site/2/0"));  // depth 0: its links are to come
  EXPECT_EQ(async::run_until_done(s.loop, fetch.fetch(seed)).status, 200);
  EXPECT_EQ(connections(), 1u);
}

// A resolver that answers from a table and counts its calls.
struct FakeResolver {
  int calls = 0;
  ResolveStep::Resolver get() {
    return [this](const std::string& host) {
      ++calls;
      if (host == "a.test") return DnsAnswer{"192.0.2.1", {}, {"2001:db8::1"}};
      return DnsAnswer{{}, "Name or service not known", {}};
    };
  }
};

using Resolved = ResolveStep::Resolved;

TEST(ResolveStep, RecordsTheAddressCachesTheAnswerAndCountsTheOriginThere) {
  Steps s;
  DnsCache cache({});
  FakeResolver resolver;
  ResolveStep step(s.context, cache, resolver.get());
  EXPECT_FALSE(step.known("http://a.test"));
  EXPECT_EQ(step.known("http://192.0.2.5:8080"), "192.0.2.5") << "an address needs no lookup";
  FrontierUrl url = s.take("http://a.test/x");
  storage::PageRecord record;
  EXPECT_EQ(async::run_until_done(s.loop, step.check(url, record)), Resolved::kAddress);
  EXPECT_EQ(record.address, "192.0.2.1");
  EXPECT_EQ(record.error, "");
  EXPECT_EQ(s.frontier.address_in_flight("192.0.2.1"), 1u);
  EXPECT_EQ(step.known("http://a.test"), "192.0.2.1");
  storage::PageRecord again;
  EXPECT_EQ(async::run_until_done(s.loop, step.check(url, again)), Resolved::kAddress);
  EXPECT_EQ(resolver.calls, 1) << "looked up once per TTL";
}

TEST(ResolveStep, ANameThatDoesNotResolveIsThePagesOutcome) {
  Steps s;
  DnsCache cache({});
  FakeResolver resolver;
  ResolveStep step(s.context, cache, resolver.get());
  FrontierUrl url = s.take("http://gone.test/x");
  storage::PageRecord record;
  EXPECT_EQ(async::run_until_done(s.loop, step.check(url, record)), Resolved::kFailed);
  EXPECT_EQ(record.error, "dns_failed");
  EXPECT_EQ(record.error_detail, "cannot resolve gone.test: Name or service not known");
  EXPECT_EQ(record.address, "");
  EXPECT_EQ(s.summary.errors["dns_failed"], 1u);
  EXPECT_EQ(step.known("http://gone.test"), "") << "known not to resolve, for a while";
}

// A dead name server holds getaddrinfo for seconds a try: the visit waits
// out the deadline only, and the name counts as failed for a while.
TEST(ResolveStep, ALookupPastItsDeadlineIsTheNamesFailureAndIsKept) {
  Steps s;
  s.options.dns_timeout_ms = 100;
  DnsCache cache({});
  auto released = std::make_shared<std::promise<void>>();
  std::shared_future<void> release = released->get_future().share();
  std::atomic<int> calls{0};
  auto held = std::make_shared<int>(0);  // by the resolver, so by its copy in a running lookup
  std::weak_ptr<int> copies = held;
  ResolveStep step(s.context, cache, [release, &calls, held](const std::string&) {
    ++calls;
    release.wait_for(std::chrono::seconds(10));
    return DnsAnswer{"192.0.2.1", {}, {}};
  });
  FrontierUrl url = s.take("http://slow.test/x");
  storage::PageRecord record;
  EXPECT_EQ(async::run_until_done(s.loop, step.check(url, record)), Resolved::kFailed);
  EXPECT_EQ(record.error, "dns_failed");
  EXPECT_EQ(record.error_detail, "cannot resolve slow.test: no answer within 100 ms");
  EXPECT_EQ(step.known("http://slow.test"), "") << "known not to resolve, for a while";
  storage::PageRecord again;
  EXPECT_EQ(async::run_until_done(s.loop, step.check(url, again)), Resolved::kFailed);
  EXPECT_EQ(calls.load(), 1) << "the second visit did not wait out another deadline";
  released->set_value();
  held.reset();
  auto lookup_ended = [&]() -> async::Task<void> {
    for (int i = 0; i < 2000 && copies.use_count() > 1; ++i)
      co_await async::sleep_for(s.loop.get(), std::chrono::milliseconds(5));
  };
  async::run_until_done(s.loop, lookup_ended());
  EXPECT_EQ(copies.use_count(), 1) << "the lookup that ran on was freed as it ended";
}

// In a fleet a crawler fetches only from addresses granted to it. An origin
// scheduled with no address (its first lookup failed) or an old one (the
// answer changed with its TTL) is looked up again and waits for a grant.
TEST(ResolveStep, InAFleetAnAddressNotGrantedSendsTheOriginBackForAGrant) {
  Steps s;
  DnsCache cache({});
  FakeResolver resolver;
  ResolveStep step(s.context, cache, resolver.get());
  step.require_grants([] { return true; });
  FrontierUrl url = s.take("http://a.test/x");  // scheduled without an address
  storage::PageRecord record;
  EXPECT_EQ(async::run_until_done(s.loop, step.check(url, record)), Resolved::kAwaitingGrant);
  EXPECT_EQ(record.address, "");
  EXPECT_EQ(s.frontier.address_in_flight("192.0.2.1"), 0u);
  EXPECT_EQ(s.frontier.take_unresolved(), std::vector<std::string>{"http://a.test"});
  s.frontier.put_back(std::move(url));
  EXPECT_FALSE(s.frontier.next(Clock::now())) << "not before the grant";

  s.frontier.set_address("http://a.test", "192.0.2.1");  // the lease round granted it
  std::optional<FrontierUrl> granted = s.frontier.next(Clock::now());
  ASSERT_TRUE(granted);
  storage::PageRecord fetched;
  EXPECT_EQ(async::run_until_done(s.loop, step.check(*granted, fetched)), Resolved::kAddress);
  EXPECT_EQ(fetched.address, "192.0.2.1");
}

// The names of new origins are looked up before their URLs are scheduled:
// the frontier needs the address for its per-address limits.
TEST(OriginLookups, ANewOriginIsScheduledOnceItsNameIsLookedUp) {
  Steps s;
  DnsCache cache({});
  FakeResolver resolver;
  ResolveStep step(s.context, cache, resolver.get());
  s.frontier.set_address_lookup([&step](std::string_view origin) { return step.known(origin); });
  int found = 0;
  OriginLookups lookups(s.context, step, [&](std::string origin, std::string address) {
    ++found;
    EXPECT_EQ(origin, "http://a.test");
    s.frontier.set_address(origin, std::move(address));
  });
  s.frontier.add_seed("http://a.test/x");
  EXPECT_FALSE(s.frontier.next(Clock::now())) << "not before its address is known";
  lookups.start();
  async::run_until_done(s.loop, lookups.join());
  EXPECT_EQ(found, 1);
  EXPECT_EQ(resolver.calls, 1);
  std::optional<FrontierUrl> url = s.frontier.next(Clock::now());
  ASSERT_TRUE(url);
  EXPECT_EQ(s.frontier.address_in_flight("192.0.2.1"), 1u);
}

// A resolver that takes most of the deadline for every name: no more
// lookups start than may hold a thread, so none spends its deadline waiting
// for one (four started beside two threads: the last two timed out).
TEST(OriginLookups, ASlowResolverStillAnswersEveryNameWithinTheDeadline) {
  Steps s;
  s.options.dns_timeout_ms = 500;
  DnsCache cache({});
  ResolveStep step(s.context, cache, [](const std::string&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return DnsAnswer{"192.0.2.1", {}, {}};
  });
  s.frontier.set_address_lookup([&step](std::string_view origin) { return step.known(origin); });
  std::map<std::string, std::string> found;
  OriginLookups lookups(s.context, step, [&](std::string origin, std::string address) {
    found[origin] = address;
    s.frontier.set_address(origin, std::move(address));
  });
  for (int i = 0; i < 6; ++i) s.frontier.add_seed("http://n" + std::to_string(i) + ".test/x");
  EXPECT_FALSE(s.frontier.next(Clock::now()));
  auto look_up_all = [&]() -> async::Task<void> {
    for (int turn = 0; turn < 500 && found.size() < 6; ++turn) {
      lookups.start();  // as the engine's loop does, turn after turn
      co_await async::sleep_for(s.loop.get(), std::chrono::milliseconds(10));
    }
    co_await lookups.join();
  };
  async::run_until_done(s.loop, look_up_all());
  EXPECT_EQ(found.size(), 6u);
  for (const auto& [origin, address] : found) EXPECT_EQ(address, "192.0.2.1") << origin;
}

}  // namespace
}  // namespace crawler
