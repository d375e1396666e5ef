// HTTPS with a private CA: the crawler binary trusts a CA it is given with
// --ca-file (as curl's --cacert) and reaches nginx over TLS; without it the
// pages are recorded as TLS failures, and a CA file that cannot be read is a
// usage error at start. Over HTTPS, HTTP/2 is offered where an origin has
// more than one fetch at a time, or with --http2 on, and not with --http2
// off, as nginx's log of the protocol it served shows; the CA file is read once
// for a crawl's many TLS connections, not once per connection; and a new
// connection resumes its origin's TLS session, for however many origins.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/inotify.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "crawler/commands/commands.hpp"
#include "tests/integration/crawl_fixture.hpp"
#include "tests/integration/crawler_process.hpp"
#include "tests/integration/tls_site.hpp"

namespace crawler {
namespace {

using namespace std::chrono_literals;
using testing::CrawlerProcess;
using ::testing::HasSubstr;
using testing::TlsSite;

// Four pages that link each other (relative links, so over https).
std::map<std::string, std::string> linked_pages() {
  auto page = [](const std::string& title, const std::string& links) {
    return "<html><head><title>" + title + "</title></head><body>" + links + "</body></html>";
  };
  return {{"index.html", page("Home", "<a href='/a.html'>a</a> <a href='/b.html'>b</a>")},
          {"a.html", page("A", "<a href='/b.html'>b</a> <a href='/'>home</a>")},
          {"b.html", page("B", "<a href='/c.html'>c</a>")},
          {"c.html", page("C", "<a href='/a.html'>a</a>")}};
}

class TlsCrawlTest : public CrawlTest {
 protected:
  std::vector<std::string> args(const std::vector<std::string>& extra) const {
    std::vector<std::string> out = {
        "crawl",     "--seeds", options_.seeds_path, "--db", options_.db_path, "--delay", "0",
        "--retries", "0",       "--robots-retry",    "0.01"};
    out.insert(out.end(), extra.begin(), extra.end());
    return out;
  }

  // Runs the crawler binary; its exit code, its stderr in `err`.
  int crawl(const std::vector<std::string>& extra, std::string& err) {
    std::string err_path = (dir_ / "stderr.txt").string();
    CrawlerProcess crawler(args(extra), {.stderr_path = err_path});
    std::optional<int> exit = crawler.wait(20s);
    std::ifstream in(err_path);
    std::stringstream text;
    text << in.rdbuf();
    err = text.str();
    return exit.value_or(-1);
  }
};

TEST_F(TlsCrawlTest, WithTheCaFileEveryHttpsPageIsStored) {
  TlsSite site(dir_ / "site", linked_pages());
  write_seeds({site.origin() + "/"});
  std::string err;
  EXPECT_EQ(crawl({"--ca-file", site.ca_file().string()}, err), kExitOk) << err;
  site.stop();
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "4") << err;
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE status = 200 AND error IS NULL"), "4");
  EXPECT_THAT(column("SELECT title FROM pages ORDER BY title"),
              ::testing::ElementsAre("A", "B", "C", "Home"));
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE url NOT LIKE 'https://127.0.0.1:%'"), "0");
}

// The CA is trusted by nothing else: without --ca-file the certificate is
// refused and recorded, and the crawl ends as any failed crawl does.
TEST_F(TlsCrawlTest, WithoutTheCaFileThePagesFailWithACertificateError) {
  TlsSite site(dir_ / "site", linked_pages());
  write_seeds({site.origin() + "/"});
  std::string err;
  // robots.txt is asked first, fails the same way, and settles the page.
  EXPECT_EQ(crawl({}, err), kExitOk) << err;
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "1") << err;  // no page, so no links
  EXPECT_EQ(scalar("SELECT error FROM pages"), "robots_unreachable");
  EXPECT_THAT(scalar("SELECT error_detail FROM pages"),
              HasSubstr("tls: SSL certificate problem: unable to get local issuer certificate"));
  EXPECT_THAT(err, HasSubstr("nothing could be fetched"));

  // Without robots.txt, the page's own fetch is what fails.
  remove_database();
  EXPECT_EQ(crawl({"--ignore-robots"}, err), kExitOk) << err;
  site.stop();
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "1") << err;
  EXPECT_EQ(scalar("SELECT error FROM pages"), "tls");
  EXPECT_THAT(scalar("SELECT error_detail FROM pages"), HasSubstr("certificate"));
}

// nginx's log lines ("PROTOCOL URI CONNECTION"): the protocols seen.
std::vector<std::string> protocols_logged(const std::string& log) {
  std::vector<std::string> protocols;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);)
    protocols.push_back(line.substr(0, line.find(' ')));
  return protocols;
}

// By default HTTP/2 is offered where it can multiplex (--per-host over 1):
// robots.txt and /sitemap.xml (both 404) and the four pages, every one over
// HTTP/2 then, and over HTTP/1.1 with --http2 off or one fetch at a time.
TEST_F(TlsCrawlTest, AServerOfferingHttp2IsFetchedOverHttp2WhereItCanMultiplex) {
  TlsSite site(dir_ / "site", linked_pages(), /*http2=*/true);
  write_seeds({site.origin() + "/"});
  std::string ca = site.ca_file().string();
  std::size_t seen = 0;
  auto crawl_protocols = [&](const std::vector<std::string>& extra) {
    remove_database();
    std::string err;
    std::vector<std::string> with_ca = {"--ca-file", ca};
    with_ca.insert(with_ca.end(), extra.begin(), extra.end());
    EXPECT_EQ(crawl(with_ca, err), kExitOk) << err;
    EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE status = 200"), "4") << err;
    std::vector<std::string> protocols = protocols_logged(site.access_log());
    protocols.erase(protocols.begin(), protocols.begin() + static_cast<std::ptrdiff_t>(seen));
    seen += protocols.size();
    return protocols;
  };
  std::vector<std::string> several = crawl_protocols({"--per-host", "4"});
  EXPECT_THAT(several, ::testing::SizeIs(6)) << site.access_log();
  EXPECT_THAT(several, ::testing::Each("HTTP/2.0")) << site.access_log();
  std::vector<std::string> one = crawl_protocols({});
  EXPECT_THAT(one, ::testing::SizeIs(6)) << site.access_log();
  EXPECT_THAT(one, ::testing::Each("HTTP/1.1")) << site.access_log();
  std::vector<std::string> one_on = crawl_protocols({"--http2", "on"});
  EXPECT_THAT(one_on, ::testing::SizeIs(6)) << site.access_log();
  EXPECT_THAT(one_on, ::testing::Each("HTTP/2.0")) << site.access_log();
  std::vector<std::string> off = crawl_protocols({"--per-host", "4", "--http2", "off"});
  site.stop();
  EXPECT_THAT(off, ::testing::SizeIs(6)) << site.access_log();
  EXPECT_THAT(off, ::testing::Each("HTTP/1.1")) << site.access_log();
}

// A server without HTTP/2 is fetched over HTTP/1.1 with the switch on: the
// switch offers, it does not insist.
TEST_F(TlsCrawlTest, AServerWithoutHttp2IsFetchedOverHttp11WithTheSwitchOn) {
  TlsSite site(dir_ / "site", linked_pages());
  write_seeds({site.origin() + "/"});
  std::string err;
  ASSERT_EQ(crawl({"--ca-file", site.ca_file().string(), "--http2", "on"}, err), kExitOk) << err;
  site.stop();
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE status = 200"), "4") << err;
  EXPECT_THAT(protocols_logged(site.access_log()), ::testing::Each("HTTP/1.1"));
}

// nginx's log lines ("PROTOCOL URI CONNECTION"): the distinct connections.
std::set<std::string> connections_logged(const std::string& log) {
  std::set<std::string> connections;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);)
    connections.insert(line.substr(line.rfind(' ') + 1));
  return connections;
}

// How often the file was opened while `run` ran (inotify), or -1.
template <typename Run>
int opens_of(const std::filesystem::path& file, Run run) {
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  // Closes are watched too: inotify merges identical events in a row, and
  // open, close, open, close never are.
  if (fd < 0 || ::inotify_add_watch(fd, file.c_str(), IN_OPEN | IN_CLOSE) < 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  run();
  int opens = 0;
  alignas(inotify_event) char buffer[4096];
  for (int reads = 0; reads < 1000; ++reads) {  // bounded: drains what is queued
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      opens += (event->mask & IN_OPEN) != 0;
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  ::close(fd);
  return opens;
}

// The CA file is read into a store once and the store kept (libcurl's CA
// cache), not read again for every TLS connection: with the system's bundle
// of about 140 certificates that re-read cost more than everything else a
// page costs.
TEST_F(TlsCrawlTest, TheCaFileIsReadOnceForManyTlsConnections) {
  TlsSite site(dir_ / "site", linked_pages(), /*http2=*/false, /*one_request_per_connection=*/true);
  write_seeds({site.origin() + "/"});
  std::string err;
  int exit = -1;
  int opens = opens_of(site.ca_file(), [&] {
    exit = crawl({"--ca-file", site.ca_file().string()}, err);
  });
  EXPECT_EQ(exit, kExitOk) << err;
  site.stop();
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE status = 200"), "4") << err;
  // robots.txt, /sitemap.xml and the four pages, each on its own connection.
  ASSERT_EQ(connections_logged(site.access_log()).size(), 6u) << site.access_log();
  // Once when the crawl command checks it at start, once into the store.
  EXPECT_EQ(opens, 2);
}

// nginx's log lines ("PROTOCOL URI REUSED CONNECTION"): how many requests
// came over a resumed TLS session ("r"), how many over a full handshake (".").
std::pair<int, int> resumed_and_full(const std::string& log) {
  std::pair<int, int> counts;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string protocol, uri, reused;
    fields >> protocol >> uri >> reused;
    (reused == "r" ? counts.first : counts.second) += 1;
  }
  return counts;
}

// More origins than libcurl's own session cache holds (25 peers), each
// connection closed after one request: every origin makes one full
// handshake, and its later connections resume the session it got.
TEST_F(TlsCrawlTest, EveryConnectionAfterAnOriginsFirstResumesItsTlsSession) {
  constexpr int kOrigins = 30;
  TlsSite site(dir_ / "site", {{"index.html", "<html><title>Home</title></html>"}},
               /*http2=*/false, /*one_request_per_connection=*/true, kOrigins);
  std::vector<std::string> seeds;
  for (const std::string& origin : site.origins()) seeds.push_back(origin + "/");
  write_seeds(seeds);
  std::string err;
  ASSERT_EQ(crawl({"--ca-file", site.ca_file().string()}, err), kExitOk) << err;
  site.stop();
  EXPECT_EQ(scalar("SELECT count(*) FROM pages WHERE status = 200"), std::to_string(kOrigins))
      << err;
  // Each origin: robots.txt, /sitemap.xml and its page, a connection each.
  ASSERT_EQ(connections_logged(site.access_log()).size(), 3u * kOrigins) << site.access_log();
  auto [resumed, full] = resumed_and_full(site.access_log());
  EXPECT_EQ(full, kOrigins) << site.access_log();
  EXPECT_EQ(resumed, 2 * kOrigins) << site.access_log();
}

TEST_F(TlsCrawlTest, ACaFileThatCannotBeReadIsAUsageErrorNamingIt) {
  write_seeds({"https://127.0.0.1:1/"});
  std::string missing = (dir_ / "no-such-ca.pem").string();
  std::string err;
  EXPECT_EQ(crawl({"--ca-file", missing}, err), kExitUsage);
  EXPECT_THAT(err, HasSubstr(missing));
  EXPECT_THAT(err, HasSubstr("No such file or directory"));
  // Refused before anything was opened or fetched.
  EXPECT_FALSE(std::filesystem::exists(options_.db_path));

  EXPECT_EQ(crawl({"--ca-file", dir_.string()}, err), kExitUsage);  // a directory
  EXPECT_THAT(err, HasSubstr(dir_.string()));
  EXPECT_THAT(err, HasSubstr("Is a directory"));

  // The config file's key and the environment are checked the same way.
  std::ofstream(dir_ / "crawl.toml") << "[transfers]\nca_file = \"" << missing << "\"\n";
  EXPECT_EQ(crawl({"--config", (dir_ / "crawl.toml").string()}, err), kExitUsage);
  EXPECT_THAT(err, HasSubstr(missing));
}

}  // namespace
}  // namespace crawler
