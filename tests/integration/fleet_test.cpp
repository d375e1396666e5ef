// A fleet: several crawler processes sharing one PostgreSQL database crawl a
// web of many origins, each answering on its own loopback address. Only a
// lease's holder fetches an origin, so politeness holds across the fleet;
// a killed or stalled worker's origins are taken over; every page is stored
// exactly once, and every worker exits 0 only when the whole fleet is done.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/crawler_process.hpp"
#include "tests/integration/fetch_counts.hpp"
#include "tests/integration/postgres_fixture.hpp"

namespace crawler {
namespace {

using namespace std::chrono_literals;
using testing::CrawlerProcess;
using testing::RequestRecord;

// `hosts` origins on 127.0.1.1, 127.0.1.2, ...: each serves /hub, linking to
// its own five-page site (/site/5/0..4) and to two other hubs, so that every
// origin is found from the first one's hub, by whichever worker fetches it.
class LoopbackWeb {
 public:
  static constexpr int kPagesPerHost = 6;  // the hub and the site

  explicit LoopbackWeb(int hosts) {
    for (int i = 0; i < hosts; ++i)
      servers_.push_back(std::make_unique<TestServer>("127.0.1." + std::to_string(i + 1)));
    for (int i = 0; i < hosts; ++i) {
      auto hub = [&](int j) {
        return "<a href=\"" + servers_[j % hosts]->url("/hub") + "\">hub</a>";
      };
      servers_[i]->set_response("/hub", {200,
                                         {{"Content-Type", "text/html"}},
                                         "<title>Hub</title>" + hub(i + 1) + hub(i + 7) +
                                             "<a href=\"/site/5/0\">site</a>"});
    }
  }

  std::string first_hub() const { return servers_.front()->url("/hub"); }
  int pages() const { return static_cast<int>(servers_.size()) * kPagesPerHost; }
  const std::vector<std::unique_ptr<TestServer>>& servers() const { return servers_; }

 private:
  std::vector<std::unique_ptr<TestServer>> servers_;
};

struct Fleet {
  std::string delay = "0.5";
  std::string lease = "3";
  std::string lease_hosts = "10";
};

std::vector<std::string> worker_args(const config::CrawlOptions& options, const Fleet& fleet,
                                     int worker) {
  return {"crawl",
          "--seeds",
          options.seeds_path,
          "--db",
          options.db_path,
          "--delay",
          fleet.delay,
          "--concurrency",
          "8",
          "--lease",
          fleet.lease,
          "--lease-hosts",
          fleet.lease_hosts,
          "--scope",
          "any",
          "--allow-address",
          "127.0.0.0/8",
          "--user-agent",
          "fleet-worker-" + std::to_string(worker)};
}

// Polls `ready` every 10 ms until it holds or `limit` passes; true if it held.
template <typename Ready>
bool wait_until(Ready ready, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!ready()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// N in a crawler's closing "N page(s) fenced off" line; 0 without one.
int fenced_count(const std::string& said) {
  const std::string line_end = " page(s) fenced off";
  std::size_t at = said.find(line_end);
  if (at == std::string::npos) return 0;
  std::size_t begin = at;
  while (begin > 0 && std::isdigit(static_cast<unsigned char>(said[begin - 1]))) --begin;
  return begin == at ? 0 : std::stoi(said.substr(begin, at - begin));
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class FleetTest : public PostgresTest {
 protected:
  // A count read while the workers run, on the test's own connection: -1
  // until the first worker has made the tables.
  int live_count(const std::string& sql) {
    try {
      if (!live_db_) live_db_ = std::make_unique<storage::pg::Connection>(options_.db_path);
      return static_cast<int>(live_db_->exec(sql).int64(0, 0));
    } catch (const storage::StorageError&) {
      live_db_.reset();
      return -1;
    }
  }

  // Every page stored, nothing left queued, one stored page per URL done;
  // and, counted at the servers, every page (the hub and its site) fetched
  // once, or again only after a fetch by one of the `killed` workers (by
  // user agent), which its kill lost. No worker fetched a page twice.
  void expect_crawled_once(const LoopbackWeb& web, const std::set<std::string>& killed = {}) {
    EXPECT_EQ(scalar("SELECT count(*) FROM pages"), std::to_string(web.pages()));
    expect_states_consistent();
    for (const auto& server : web.servers()) {
      std::map<std::string, std::vector<std::string>> fetchers;  // target -> user agents
      for (const auto& request : server->requests())
        if (request.target == "/hub" || request.target.starts_with("/site/"))
          fetchers[request.target].push_back(request.user_agent);
      EXPECT_EQ(fetchers.size(), static_cast<std::size_t>(LoopbackWeb::kPagesPerHost))
          << server->base_url();
      for (const auto& [target, agents] : fetchers) {
        std::set<std::string> distinct(agents.begin(), agents.end());
        EXPECT_EQ(distinct.size(), agents.size())
            << server->base_url() << target << ": a worker fetched it twice";
        for (std::size_t i = 0; i + 1 < agents.size(); ++i)
          EXPECT_TRUE(killed.contains(agents[i]))
              << server->base_url() << target << " fetched by " << agents[i]
              << " (not killed), then by " << agents[i + 1];
      }
    }
  }

  std::unique_ptr<storage::pg::Connection> live_db_;
};

// The first worker holds every origin until the others join; then it hands
// origins over to them, each only once what it fetched from it is
// stored and its delay has passed, so politeness holds across the handovers.
TEST_F(FleetTest, ThreeWorkersShareAHundredOriginsPolitelyAndStoreEachPageOnce) {
  LoopbackWeb web(100);
  std::vector<std::string> hubs;
  for (const auto& server : web.servers()) hubs.push_back(server->url("/hub"));
  write_seeds(hubs);
  Fleet fleet{.lease_hosts = "100"};
  std::vector<std::unique_ptr<CrawlerProcess>> workers;
  workers.push_back(std::make_unique<CrawlerProcess>(worker_args(options_, fleet, 1)));
  // Alone, it holds every origin; it has started on most when the others join.
  auto started_on = [&] {
    return std::count_if(web.servers().begin(), web.servers().end(),
                         [](const auto& server) { return !requests_for(*server, "/hub").empty(); });
  };
  EXPECT_TRUE(wait_until([&] { return started_on() >= 80; }, 30s))
      << "the first worker never got going";
  for (int worker = 2; worker <= 3; ++worker)
    workers.push_back(std::make_unique<CrawlerProcess>(worker_args(options_, fleet, worker)));
  for (auto& worker : workers) EXPECT_EQ(worker->wait(180s), 0);

  expect_crawled_once(web);
  std::map<std::string, int> requests_by_worker;
  int handed_over = 0;
  for (const auto& server : web.servers()) {
    std::vector<RequestRecord> requests = server->requests();
    ASSERT_FALSE(requests.empty()) << server->base_url() << " was never fetched";
    int robots = 0;
    for (std::size_t i = 0; i < requests.size(); ++i) {
      ++requests_by_worker[requests[i].user_agent];
      robots += requests[i].target == "/robots.txt";
      // robots.txt is asked first, and the page that asked goes right after.
      if (i == 0 || requests[i - 1].target == "/robots.txt") continue;
      // One fetch at a time per origin over the whole fleet, the delay between
      // starts (less what a loaded machine may shift an arrival by: a new
      // connection under ASan, on 2 cores shared with 100 server threads),
      // whichever worker made them: across a handover too.
      auto gap = requests[i].at - requests[i - 1].at;
      bool handover = requests[i].user_agent != requests[i - 1].user_agent;
      EXPECT_GE(gap, 300ms) << server->base_url() << ": " << requests[i - 1].target << " by "
                            << requests[i - 1].user_agent << ", then " << requests[i].target
                            << " by " << requests[i].user_agent << " after "
                            << std::chrono::duration_cast<std::chrono::milliseconds>(gap).count()
                            << " ms" << (handover ? " (a handover)" : "");
      handed_over += handover;
    }
    // robots.txt is kept in the database: the next holder reads it there.
    EXPECT_EQ(robots, 1) << server->base_url();
  }
  EXPECT_EQ(requests_by_worker.size(), 3u) << "the work was not shared";
  EXPECT_GE(handed_over, 1) << "no origin was handed over from one worker to another";
  std::cout << "origins handed over between workers: " << handed_over << "\n";
}

// A handover is as polite as the holder would have been: with a delay
// longer than a lease round, the origin goes back to the fleet only once
// its delay since the last fetch has passed, so the next holder's first
// fetch comes no sooner than the old holder's next would have.
TEST_F(FleetTest, AnOriginHandedOverWaitsOutItsDelayBeforeTheNextHolderFetches) {
  std::vector<std::unique_ptr<TestServer>> servers;
  std::vector<std::string> seeds;
  for (int i = 1; i <= 4; ++i) {
    servers.push_back(std::make_unique<TestServer>("127.0.5." + std::to_string(i)));
    seeds.push_back(servers.back()->url("/site/2/0"));
  }
  write_seeds(seeds);
  Fleet fleet{.delay = "2.5", .lease = "2", .lease_hosts = "100"};
  auto args = [&](int worker) {
    std::vector<std::string> a = worker_args(options_, fleet, worker);
    a.insert(a.end(), {"--no-sitemaps"});
    return a;
  };
  // The first worker alone holds the four origins and has started on each.
  CrawlerProcess first(args(1));
  EXPECT_TRUE(wait_until(
      [&] {
        return std::all_of(servers.begin(), servers.end(), [](const auto& server) {
          return !requests_for(*server, "/site/").empty();
        });
      },
      30s));
  // A second joins: two origins are more than the first's share (2 and a slack of 1).
  CrawlerProcess second(args(2));
  EXPECT_EQ(first.wait(60s), 0);
  EXPECT_EQ(second.wait(60s), 0);

  int handovers = 0;
  for (const auto& server : servers) {
    std::vector<RequestRecord> requests = requests_for(*server, "/site/");
    testing::expect_each_fetched_once(requests, "/site/", 2);
    for (std::size_t i = 1; i < requests.size(); ++i) {
      if (requests[i].user_agent == requests[i - 1].user_agent) continue;
      ++handovers;
      auto gap = requests[i].at - requests[i - 1].at;
      std::cout << "handed over, fetched again after "
                << std::chrono::duration_cast<std::chrono::milliseconds>(gap).count() << " ms\n";
      EXPECT_GE(gap, 2000ms) << server->base_url() << ": handed over, and fetched again after "
                             << std::chrono::duration_cast<std::chrono::milliseconds>(gap).count()
                             << " ms";
    }
  }
  EXPECT_GE(handovers, 1) << "no origin was handed over mid-crawl";
}

// Issue 23's measure: three workers started together on 40 origins each
// fetch a fair share; a fourth, started once the three hold every origin,
// gets a real share too, as the others hand origins over to it. Every
// worker fetches at least half of a fair share (a quarter of the pages),
// every page is fetched once, no origin faster than its delay, and every
// worker exits 0 when the fleet is done.
TEST_F(FleetTest, AFourthWorkerStartedLaterFetchesARealShareOfFortyOrigins) {
  constexpr int kOrigins = 40;
  constexpr int kPages = 40;  // a binary tree under /site/40/0
  std::vector<std::unique_ptr<TestServer>> servers;
  std::vector<std::string> seeds;
  for (int i = 1; i <= kOrigins; ++i) {
    servers.push_back(std::make_unique<TestServer>("127.0.4." + std::to_string(i)));
    seeds.push_back(servers.back()->url("/site/" + std::to_string(kPages) + "/0"));
  }
  write_seeds(seeds);
  Fleet fleet{.delay = "0.2", .lease = "2", .lease_hosts = "1000"};
  auto args = [&](int worker) {
    std::vector<std::string> a = worker_args(options_, fleet, worker);
    a.insert(a.end(), {"--no-sitemaps", "--retries", "0"});
    return a;
  };
  std::vector<std::unique_ptr<CrawlerProcess>> workers;
  for (int worker = 1; worker <= 3; ++worker)
    workers.push_back(std::make_unique<CrawlerProcess>(args(worker)));
  // The three hold every origin between them, and have started on them:
  // nothing is free. (On a loaded machine one may start first and claim
  // all; the others' share comes to them by handover within a lease.)
  EXPECT_TRUE(wait_until(
      [&] {
        return live_count("SELECT count(*) FROM hosts WHERE holder IS NOT NULL") == kOrigins &&
               live_count("SELECT count(DISTINCT holder) FROM hosts") == 3 &&
               live_count("SELECT count(*) FROM pages") >= kOrigins;
      },
      30s))
      << "the three never shared every origin between them";
  workers.push_back(std::make_unique<CrawlerProcess>(args(4)));
  for (auto& worker : workers) EXPECT_EQ(worker->wait(120s), 0);

  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), std::to_string(kOrigins * kPages));
  expect_states_consistent();
  std::map<std::string, int> pages_by_worker;
  for (const auto& server : servers) {
    std::vector<RequestRecord> requests = requests_for(*server, "/site/");
    testing::expect_each_fetched_once(requests, "/site/", kPages);
    for (std::size_t i = 0; i < requests.size(); ++i) {
      ++pages_by_worker[requests[i].user_agent];
      if (i == 0) continue;
      // The delay, less what a loaded machine may shift an arrival by.
      auto gap = requests[i].at - requests[i - 1].at;
      EXPECT_GE(gap, 120ms) << server->base_url() << ": " << requests[i - 1].target << " by "
                            << requests[i - 1].user_agent << ", then " << requests[i].target
                            << " by " << requests[i].user_agent << " after "
                            << std::chrono::duration_cast<std::chrono::milliseconds>(gap).count()
                            << " ms";
    }
  }
  const int fair_share = kOrigins * kPages / 4;
  for (int worker = 1; worker <= 4; ++worker) {
    std::string agent = "fleet-worker-" + std::to_string(worker);
    EXPECT_GE(pages_by_worker[agent], fair_share / 2) << agent << " fetched too few pages";
    std::cout << agent << " fetched " << pages_by_worker[agent] << " pages\n";
  }
}

TEST_F(FleetTest, AKilledWorkersOriginsAreTakenOverAndEveryPageIsStoredOnce) {
  LoopbackWeb web(30);
  write_seeds({web.first_hub()});
  Fleet fleet{.delay = "0.1", .lease = "2", .lease_hosts = "6"};
  std::vector<std::unique_ptr<CrawlerProcess>> workers;
  for (int worker = 1; worker <= 3; ++worker)
    workers.push_back(std::make_unique<CrawlerProcess>(worker_args(options_, fleet, worker)));

  auto seed = static_cast<unsigned>(std::random_device{}());
  std::cout << "kill schedule seed: " << seed << std::endl;  // flushed before any fork
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> pause_ms(300, 1500), which(0, 2);
  std::vector<int> worker_ids = {1, 2, 3};
  std::set<std::string> killed;  // their user agents
  for (int round = 0; round < 3; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
    int victim = which(random);
    if (workers[victim]->wait(0ms)) continue;  // it finished already
    workers[victim]->signal(SIGKILL);
    EXPECT_EQ(workers[victim]->wait(10s), 128 + SIGKILL);
    killed.insert("fleet-worker-" + std::to_string(worker_ids[victim]));
    worker_ids[victim] = 10 * (round + 1) + victim;
    workers[victim] =
        std::make_unique<CrawlerProcess>(worker_args(options_, fleet, worker_ids[victim]));
  }
  for (auto& worker : workers) EXPECT_EQ(worker->wait(180s), 0);

  EXPECT_GE(killed.size(), 1u) << "the crawl ended before any worker was killed";
  expect_crawled_once(web, killed);
}

// A worker frozen (SIGSTOP) past its lease with fetches in flight: a new
// page of origin A and a revisit of a stored page of origin B. A successor
// takes both origins over (the test plays it in the database: it claims
// them, with a new epoch, and stores nothing), so nothing the stale worker
// writes is hidden by a row the successor wrote. Thawed, the stale worker's
// fetches complete, and fencing alone keeps them out: A's page is not
// stored and its URL stays queued, B's page keeps its last visit, and the
// successor's leases stay its own. Then a real successor crawls A.
TEST_F(FleetTest, AWorkerStoppedPastItsLeaseStoresNothingItsSuccessorStored) {
  TestServer a("127.0.2.1"), b("127.0.2.2");
  const std::string slow = "/delay/1200?n=";
  std::vector<std::string> a_pages, b_pages;
  for (int n = 0; n < 4; ++n) a_pages.push_back(a.url(slow + std::to_string(n)));
  for (int n = 0; n < 2; ++n) b_pages.push_back(b.url(slow + std::to_string(n)));
  Fleet fleet{.delay = "0", .lease = "2", .lease_hosts = "10"};
  auto args_of = [&](const std::string& command, int worker) {
    std::vector<std::string> args = worker_args(options_, fleet, worker);
    args[0] = command;
    args.insert(args.end(), {"--revisit-min", "1", "--revisit-max", "1", "--no-sitemaps"});
    if (command == "serve") args.insert(args.end(), {"--listen", "127.0.0.1:0"});
    return args;
  };

  // B's pages are stored, due for a revisit a second later.
  write_seeds(b_pages);
  ASSERT_EQ(CrawlerProcess(args_of("crawl", 1)).wait(60s), 0);
  ASSERT_EQ(scalar("SELECT count(*) FROM pages"), "2");

  // A serve fetches A's new pages and revisits B's, one of each in flight
  // (each answer takes 1.2 s) when it is frozen.
  write_seeds(a_pages);
  auto stalled_log = dir_ / "stalled.log";
  CrawlerProcess stalled(args_of("serve", 2), {.stderr_path = stalled_log.string()});
  auto in_flight = [](const TestServer& server, std::size_t after) {
    std::vector<RequestRecord> requests = requests_for(server, "/delay/");
    return requests.size() > after && std::chrono::steady_clock::now() - requests.back().at < 700ms;
  };
  ASSERT_TRUE(wait_until([&] { return in_flight(a, 0) && in_flight(b, 2); }, 30s))
      << "the serve never had a new page and a revisit in flight at once";
  stalled.signal(SIGSTOP);
  const std::string origins =
      "('" + std::string(a.base_url()) + "', '" + std::string(b.base_url()) + "')";

  // Its leases lapse; the successor claims both origins.
  ASSERT_TRUE(wait_until(
      [&] {
        return scalar("SELECT count(*) FROM hosts WHERE origin IN " + origins +
                      " AND lease_until < (extract(epoch FROM now()) * 1000)::bigint") == "2";
      },
      20s));
  storage::pg::Connection db(options_.db_path);
  std::string successor(db.exec("INSERT INTO workers(name, started_ms, seen_ms) VALUES"
                                " ('successor', 0, 0) RETURNING id")
                            .text(0, 0));
  db.exec(
      "UPDATE hosts SET holder = $1, epoch = epoch + 1, lease_until ="
      " (extract(epoch FROM now()) * 1000)::bigint + 600000 WHERE origin IN " +
          origins,
      {successor});
  auto leases = [&] {
    return rows("SELECT origin, holder, epoch FROM hosts WHERE origin IN " + origins +
                " ORDER BY origin");
  };
  auto taken_over = leases();
  auto a_stored =
      scalar("SELECT count(*) FROM pages WHERE url LIKE '" + std::string(a.base_url()) + "/%'");
  auto b_visits = rows("SELECT url, fetched_at, next_visit_ms FROM pages WHERE url LIKE '" +
                       std::string(b.base_url()) + "/%' ORDER BY url");

  // Thawed, it finds its leases gone, and is stopped once it has seen that.
  // A still has queued pages, so its lease is renewed and the refusal
  // logged. B's is logged only if the lease round comes before the revisit's
  // answer is read: once B is idle, its lease is released instead (refused
  // alike, since the successor holds it), so only A's is waited for.
  stalled.signal(SIGCONT);
  EXPECT_TRUE(wait_until(
      [&] {
        return read_file(stalled_log).find("lost the lease of " + std::string(a.base_url())) !=
               std::string::npos;
      },
      20s))
      << read_file(stalled_log);
  stalled.signal(SIGTERM);
  EXPECT_EQ(stalled.wait(60s), 0);

  // A stale page: not stored, its URL still queued for the successor.
  EXPECT_EQ(
      scalar("SELECT count(*) FROM pages WHERE url LIKE '" + std::string(a.base_url()) + "/%'"),
      a_stored);
  EXPECT_EQ(scalar("SELECT count(*) FROM urls u WHERE u.origin = '" + std::string(a.base_url()) +
                   "' AND u.state = 'queued'"),
            std::to_string(4 - std::stoi(a_stored)));
  // A stale revisit: B's pages keep their last visit.
  EXPECT_EQ(rows("SELECT url, fetched_at, next_visit_ms FROM pages WHERE url LIKE '" +
                 std::string(b.base_url()) + "/%' ORDER BY url"),
            b_visits);
  // Stale lease changes: the successor's leases are as it took them.
  EXPECT_EQ(leases(), taken_over);
  std::string said = read_file(stalled_log);
  EXPECT_GE(fenced_count(said), 2) << said;  // the page and the revisit in flight
  EXPECT_THAT(said, ::testing::Not(::testing::HasSubstr("could not be stored"))) << said;

  // The successor lets go; a real one crawls A, each of its pages once.
  db.exec("UPDATE hosts SET holder = NULL, lease_until = 0 WHERE holder = $1", {successor});
  std::size_t a_before = a.requests().size();
  EXPECT_EQ(CrawlerProcess(args_of("crawl", 3)).wait(60s), 0);
  EXPECT_EQ(
      scalar("SELECT count(*) FROM pages WHERE url LIKE '" + std::string(a.base_url()) + "/%'"),
      "4");
  testing::expect_each_fetched_once(testing::requests_since(a, a_before), "/delay/",
                                    4 - std::stoul(a_stored));
  expect_states_consistent();
}

// --max-pages counts over the fleet: three workers given 50 fetch 50
// pages between them, not 50 each, and all exit 0 once it is spent. Work
// is left queued, and each worker that stops hands its origins back at
// once, and leaves the count of live workers.
TEST_F(FleetTest, MaxPagesIsABudgetOfTheWholeFleet) {
  LoopbackWeb web(30);
  std::vector<std::string> hubs;
  for (const auto& server : web.servers()) hubs.push_back(server->url("/hub"));
  write_seeds(hubs);
  Fleet fleet{.delay = "0", .lease = "2", .lease_hosts = "100"};
  std::vector<std::unique_ptr<CrawlerProcess>> workers;
  for (int worker = 1; worker <= 3; ++worker) {
    std::vector<std::string> args = worker_args(options_, fleet, worker);
    args.insert(args.end(), {"--max-pages", "50"});
    workers.push_back(std::make_unique<CrawlerProcess>(args));
  }
  for (auto& worker : workers) EXPECT_EQ(worker->wait(60s), 0);

  std::map<std::string, int> pages_by_worker;
  int fetched = 0;
  for (const auto& server : web.servers())
    for (const auto& request : server->requests())
      if (request.target == "/hub" || request.target.starts_with("/site/")) {
        ++fetched;
        ++pages_by_worker[request.user_agent];
      }
  EXPECT_LE(fetched, 50);
  EXPECT_GE(fetched, 40) << "most of the budget was never used";
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), std::to_string(fetched));
  EXPECT_NE(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "0");
  EXPECT_EQ(scalar("SELECT count(*) FROM hosts WHERE holder IS NOT NULL AND lease_until >"
                   " (extract(epoch FROM now()) * 1000)::bigint"),
            "0")
      << "a stopped worker kept its leases";
  EXPECT_EQ(scalar("SELECT count(*) FROM workers WHERE NOT stopped"), "0");
  for (const auto& [agent, pages] : pages_by_worker)
    std::cout << agent << " fetched " << pages << " pages\n";
}

// Many names on one server address (shared hosting), crawled by three
// workers with default politeness: one worker at a time serves the address,
// so the server sees no more than the 4 starts a second one crawler allows
// (over windows of 1 s less 200 ms, for a loaded machine's arrival jitter),
// not three workers' worth; and every page is fetched once.
TEST_F(FleetTest, ThreeWorkersKeepThePerAddressLimitsOfOneServerBetweenThem) {
  constexpr int kNames = 15;
  TestServer server;
  std::string port = std::to_string(server.port());
  std::vector<std::string> seeds;
  Fleet fleet{.delay = "1", .lease = "3", .lease_hosts = "100"};
  auto args = [&](int worker) {
    std::vector<std::string> a = worker_args(options_, fleet, worker);
    a.insert(a.end(), {"--no-sitemaps", "--retries", "0"});
    for (int i = 0; i < kNames; ++i)
      a.insert(a.end(), {"--resolve", "site" + std::to_string(i) + ".test:" + port + ":127.0.0.1"});
    return a;
  };
  for (int i = 0; i < kNames; ++i)
    seeds.push_back("http://site" + std::to_string(i) + ".test:" + port + "/site/2/0");
  write_seeds(seeds);
  std::vector<std::unique_ptr<CrawlerProcess>> workers;
  for (int worker = 1; worker <= 3; ++worker)
    workers.push_back(std::make_unique<CrawlerProcess>(args(worker)));
  for (auto& worker : workers) EXPECT_EQ(worker->wait(90s), 0);

  std::vector<std::chrono::steady_clock::time_point> arrivals;
  std::map<std::string, int> fetches;  // name and target
  std::map<std::string, int> by_worker;
  for (const RequestRecord& request : server.requests()) {
    arrivals.push_back(request.at);
    ++by_worker[request.user_agent];
    if (request.target.starts_with("/site/")) ++fetches[request.host_header + request.target];
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE address = '127.0.0.1'"),
            std::to_string(2 * kNames));
  EXPECT_EQ(fetches.size(), static_cast<std::size_t>(2 * kNames));
  for (const auto& [page, times] : fetches) EXPECT_EQ(times, 1) << page;
  EXPECT_EQ(arrivals.size(), static_cast<std::size_t>(3 * kNames)) << "robots.txt and two pages";
  EXPECT_LE(testing::most_in_any_window(arrivals, 800ms), 4u);
  for (const auto& [agent, requests] : by_worker)
    std::cout << agent << " made " << requests << " requests\n";
}

// A serve in a fleet revisits stored pages of origins nobody holds and
// nothing is queued for: it claims an origin for its due pages too.
TEST_F(FleetTest, AServeClaimsOriginsWhosePagesAreDueAndRevisitsThem) {
  std::vector<std::unique_ptr<TestServer>> servers;
  std::vector<std::string> seeds;
  for (int host = 1; host <= 3; ++host) {
    servers.push_back(std::make_unique<TestServer>("127.0.3." + std::to_string(host)));
    servers.back()->set_response("/page",
                                 {200, {{"Content-Type", "text/html"}}, "<title>Page</title>"});
    seeds.push_back(servers.back()->url("/page"));
  }
  write_seeds(seeds);
  Fleet fleet{.delay = "0", .lease = "3", .lease_hosts = "10"};
  const std::vector<std::string> revisits = {"--revisit-min", "1", "--revisit-max", "1",
                                             "--no-sitemaps"};
  auto args_of = [&](const std::string& command, int worker) {
    std::vector<std::string> args = worker_args(options_, fleet, worker);
    args[0] = command;
    args.insert(args.end(), revisits.begin(), revisits.end());
    return args;
  };

  // A crawl stores each page and ends: nothing queued, no origin held.
  CrawlerProcess crawl(args_of("crawl", 1));
  ASSERT_EQ(crawl.wait(60s), 0);
  ASSERT_EQ(scalar("SELECT count(*) FROM pages WHERE next_visit_ms IS NOT NULL"), "3");
  ASSERT_EQ(scalar("SELECT count(*) FROM urls WHERE state = 'queued'"), "0");

  // A serve on the same database: the pages come due a second later.
  std::vector<std::string> args = args_of("serve", 2);
  args.insert(args.end(), {"--listen", "127.0.0.1:0"});  // a port of its own choosing
  CrawlerProcess serve(args);
  auto fetched_twice = [&] {
    return std::all_of(servers.begin(), servers.end(), [](const auto& server) {
      auto requests = server->requests();
      return std::count_if(requests.begin(), requests.end(),
                           [](const auto& r) { return r.target == "/page"; }) >= 2;
    });
  };
  bool revisited = false;
  for (int i = 0; i < 1500 && !revisited; ++i) {  // 30 s at most
    revisited = fetched_twice();
    if (!revisited) std::this_thread::sleep_for(20ms);
  }
  serve.signal(SIGTERM);
  EXPECT_EQ(serve.wait(60s), 0);
  EXPECT_TRUE(revisited) << "the serve never revisited every origin's page";
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "3");
}

}  // namespace
}  // namespace crawler
