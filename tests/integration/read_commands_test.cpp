// What users ask of a crawl afterwards: search, stats, export, and an older
// database brought up to date.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iterator>
#include <map>
#include <sstream>

#include "crawler/commands/commands.hpp"
#include "storage/sqlite/page_store.hpp"
#include "storage/sqlite/schema.hpp"
#include "storage/sqlite/sqlite.hpp"
#include "tests/integration/crawl_fixture.hpp"
#include "tests/support/test_server.hpp"

namespace crawler {
namespace {

using testing::CannedResponse;
using ::testing::HasSubstr;

CannedResponse page(const std::string& title, const std::string& body) {
  return {200, {{"Content-Type", "text/html"}}, "<title>" + title + "</title><p>" + body + "</p>"};
}

class ReadCommandsTest : public CrawlTest {
 protected:
  // A small site about fruit, crawled once.
  void crawl_fruit_site(TestServer& server) {
    server.set_response("/index.html", {200,
                                        {{"Content-Type", "text/html"}},
                                        "<title>Fruit</title><a href='/apple.html'>a</a>"
                                        "<a href='/pie.html'>p</a><a href='/pear.html'>p</a>"});
    server.set_response("/apple.html", page("Apple varieties", "Many kinds of fruit grow here."));
    server.set_response("/pie.html",
                        page("Baking", "A pie needs one apple, flour and butter, then heat."));
    server.set_response("/pear.html", page("Pear", "Pears are not apples."));
    write_seeds({server.url("/index.html")});
    ASSERT_EQ(run_crawl_command(options_), kExitOk);
  }

  std::string capture(const std::function<int()>& command, int expected_exit = kExitOk) {
    ::testing::internal::CaptureStdout();
    int exit = command();
    std::string out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(exit, expected_exit);
    return out;
  }
};

TEST_F(ReadCommandsTest, SearchRanksTitleMatchesFirstWithHighlightedSnippets) {
  TestServer server;
  crawl_fruit_site(server);
  SearchOptions search{"apple", 10, std::nullopt, true};
  std::string out = capture([&] { return run_search_command(*reader(), search); });
  std::istringstream lines(out);
  std::vector<std::string> hits;
  for (std::string line; std::getline(lines, line);) hits.push_back(line);
  ASSERT_EQ(hits.size(), 2u);  // "apples" is another word to the default tokenizer
  EXPECT_THAT(hits[0], HasSubstr(server.url("/apple.html")));
  EXPECT_THAT(hits[1], HasSubstr(server.url("/pie.html")));
  EXPECT_THAT(hits[1], HasSubstr("one [apple], flour"));
}

TEST_F(ReadCommandsTest, SearchTakesFts5SyntaxAndASiteFilter) {
  TestServer server;
  crawl_fruit_site(server);
  SearchOptions search{"pie OR pear*", 10, std::nullopt, true};
  std::string either = capture([&] { return run_search_command(*reader(), search); });
  EXPECT_EQ(std::count(either.begin(), either.end(), '\n'), 2);
  search.query = "apple";
  search.site = "elsewhere.test";
  EXPECT_EQ(capture([&] { return run_search_command(*reader(), search); }), "");
  search.site = "127.0.0.1";
  EXPECT_NE(capture([&] { return run_search_command(*reader(), search); }), "");
}

TEST_F(ReadCommandsTest, ASearchSyntaxErrorIsAClearUsageError) {
  TestServer server;
  crawl_fruit_site(server);
  SearchOptions search{"\"unbalanced", 10, std::nullopt, false};
  ::testing::internal::CaptureStderr();
  capture([&] { return run_search_command(*reader(), search); }, kExitUsage);
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("search query"));
}

TEST_F(ReadCommandsTest, TheSearchIndexFollowsChangedPages) {
  TestServer server;
  crawl_fruit_site(server);
  {
    storage::Database db(options_.db_path, SQLITE_OPEN_READWRITE);
    db.exec("UPDATE pages SET text = 'now about cherries' WHERE url LIKE '%/pie.html'");
  }
  SearchOptions search{"cherries", 10, std::nullopt, true};
  EXPECT_THAT(capture([&] { return run_search_command(*reader(), search); }),
              HasSubstr("/pie.html"));
  search.query = "butter";
  EXPECT_EQ(capture([&] { return run_search_command(*reader(), search); }), "");
}

TEST_F(ReadCommandsTest, WithoutTheSearchIndexPagesAreStoredButNotSearchable) {
  TestServer server;
  options_.search_index = false;
  crawl_fruit_site(server);
  EXPECT_EQ(scalar("SELECT count(*) FROM pages"), "4");
  SearchOptions search{"apple", 10, std::nullopt, true};
  EXPECT_EQ(capture([&] { return run_search_command(*reader(), search); }), "");
  // Changing a page that was never indexed must leave the index sound.
  storage::Database db(options_.db_path, SQLITE_OPEN_READWRITE);
  db.exec("UPDATE pages SET text = 'changed' WHERE url LIKE '%/pie.html'");
  EXPECT_NO_THROW(db.exec("INSERT INTO pages_fts(pages_fts) VALUES ('integrity-check')"));
}

TEST_F(ReadCommandsTest, StatsMatchTheDatabase) {
  TestServer server;
  crawl_fruit_site(server);
  std::string out = capture([&] { return run_stats_command(*reader()); });
  EXPECT_THAT(out, HasSubstr("pages " + scalar("SELECT count(*) FROM pages") + "\n"));
  EXPECT_THAT(out, HasSubstr("  4\t200\n"));
  EXPECT_THAT(out, HasSubstr("  4\ttext/html\n"));
  EXPECT_THAT(out, HasSubstr("\t127.0.0.1:" + std::to_string(server.port()) + "\n"));
}

TEST_F(ReadCommandsTest, ExportsReadBackAsJsonLinesAndCsv) {
  TestServer server;
  crawl_fruit_site(server);
  auto jsonl = dir_ / "pages.jsonl";
  EXPECT_EQ(run_export_command(*reader(), {"jsonl", jsonl.string()}), kExitOk);
  std::ifstream in(jsonl);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    EXPECT_TRUE(line.starts_with("{\"url\":\"http://127.0.0.1:")) << line;
    EXPECT_TRUE(line.ends_with("}")) << line;
  }
  EXPECT_EQ(lines, 4);

  auto csv = dir_ / "pages.csv";
  EXPECT_EQ(run_export_command(*reader(), {"csv", csv.string()}), kExitOk);
  std::ifstream csv_in(csv);
  std::string header;
  std::getline(csv_in, header);
  EXPECT_EQ(header,
            "url,final_url,status,content_type,title,fetched_at,depth,bytes,duration_ms,"
            "error,redirect_to\r");
  int rows = 0;
  for (std::string line; std::getline(csv_in, line);)
    rows += line.find(",200,text/html,") != std::string::npos;
  EXPECT_EQ(rows, 4);
}

// A title a spreadsheet would run as a formula is exported as text.
TEST_F(ReadCommandsTest, CsvExportNeutralisesFormulaCells) {
  TestServer server;
  server.set_response("/evil.html", page("=HYPERLINK(\"http://x.test\",\"pwn\")", "text"));
  server.set_response("/at.html", page("@SUM(1+1)", "text"));
  server.set_response("/index.html", {200,
                                      {{"Content-Type", "text/html"}},
                                      "<title>-10</title><a href='/evil.html'>e</a>"
                                      "<a href='/at.html'>a</a>"});
  write_seeds({server.url("/index.html")});
  ASSERT_EQ(run_crawl_command(options_), kExitOk);
  auto csv = dir_ / "pages.csv";
  ASSERT_EQ(run_export_command(*reader(), {"csv", csv.string()}), kExitOk);
  std::ifstream in(csv);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr(",\"'=HYPERLINK(\"\"http://x.test\"\",\"\"pwn\"\")\","));
  EXPECT_THAT(text, HasSubstr(",'@SUM(1+1),"));
  EXPECT_THAT(text, HasSubstr(",'-10,"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr(",=HYPERLINK")));
}

// An independent WARC 1.1 reader: version line, named fields, a block of
// Content-Length bytes, then CRLF CRLF.
struct WarcRecord {
  std::map<std::string, std::string> fields;
  std::string block;
};

std::vector<WarcRecord> read_warc(const std::string& data) {
  std::vector<WarcRecord> records;
  std::size_t pos = 0;
  while (pos < data.size()) {
    EXPECT_EQ(data.compare(pos, 10, "WARC/1.1\r\n"), 0) << "at byte " << pos;
    if (data.compare(pos, 10, "WARC/1.1\r\n") != 0) break;
    pos += 10;
    WarcRecord record;
    for (;;) {
      std::size_t end = data.find("\r\n", pos);
      if (end == std::string::npos || end == pos) {
        pos = end + 2;
        break;
      }
      std::string line = data.substr(pos, end - pos);
      auto colon = line.find(": ");
      record.fields[line.substr(0, colon)] = line.substr(colon + 2);
      pos = end + 2;
    }
    std::size_t length = std::stoul(record.fields["Content-Length"]);
    record.block = data.substr(pos, length);
    pos += length;
    EXPECT_EQ(data.compare(pos, 4, "\r\n\r\n"), 0);
    pos += 4;
    records.push_back(std::move(record));
  }
  return records;
}

TEST_F(ReadCommandsTest, AWarcExportReadsBackWithRequestAndResponseRecords) {
  TestServer server;
  options_.keep_raw = true;
  crawl_fruit_site(server);
  auto warc = dir_ / "crawl.warc";
  EXPECT_EQ(run_export_command(*reader(), {"warc", warc.string()}), kExitOk);
  std::ifstream in(warc, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto records = read_warc(data);
  ASSERT_EQ(records.size(), 1u + 4 + 4);
  EXPECT_EQ(records[0].fields["WARC-Type"], "warcinfo");
  std::map<std::string, std::string> responses;  // record id -> target
  int requests = 0;
  for (auto& record : records) {
    std::string type = record.fields["WARC-Type"];
    if (type == "response") {
      responses[record.fields["WARC-Record-ID"]] = record.fields["WARC-Target-URI"];
      EXPECT_TRUE(record.block.starts_with("HTTP/1.1 200")) << record.block.substr(0, 40);
      auto body = record.block.find("\r\n\r\n") + 4;
      EXPECT_THAT(
          record.block,
          HasSubstr("Content-Length: " + std::to_string(record.block.size() - body) + "\r\n"));
    } else if (type == "request") {
      ++requests;
      EXPECT_TRUE(record.block.starts_with("GET /")) << record.block.substr(0, 40);
      EXPECT_EQ(responses[record.fields["WARC-Concurrent-To"]], record.fields["WARC-Target-URI"]);
    }
  }
  EXPECT_EQ(requests, 4);
  EXPECT_THAT(data, HasSubstr("<title>Apple varieties</title>"));
}

TEST_F(ReadCommandsTest, AWarcExportWithoutKeptResponsesSaysHowToGetThem) {
  TestServer server;
  crawl_fruit_site(server);
  auto warc = dir_ / "empty.warc";
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_export_command(*reader(), {"warc", warc.string()}), kExitOk);
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("--keep-raw"));
}

TEST_F(ReadCommandsTest, AnExportToAnUnwritablePathLeavesNothingBehind) {
  TestServer server;
  crawl_fruit_site(server);
  std::string out = (dir_ / "missing" / "pages.jsonl").string();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_export_command(*reader(), {"jsonl", out}), kExitUsage);
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr(out));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "missing"));
}

// The schema as version 1 of the crawler wrote it.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE urls (
  id    INTEGER PRIMARY KEY,
  url   TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL DEFAULT 'linked' CHECK (state IN ('linked', 'queued', 'done')),
  depth INTEGER
);
CREATE INDEX urls_queued ON urls(state) WHERE state = 'queued';
CREATE TABLE pages (
  id           INTEGER PRIMARY KEY,
  url_id       INTEGER NOT NULL UNIQUE REFERENCES urls(id),
  url          TEXT NOT NULL,
  final_url    TEXT,
  depth        INTEGER NOT NULL,
  status       INTEGER,
  content_type TEXT,
  title        TEXT,
  fetched_at   TEXT NOT NULL,
  bytes        INTEGER NOT NULL DEFAULT 0,
  duration_ms  REAL,
  error        TEXT,
  error_detail TEXT,
  truncated    INTEGER NOT NULL DEFAULT 0,
  attempts     INTEGER NOT NULL DEFAULT 1,
  redirect_to  TEXT,
  canonical    TEXT,
  noindex      INTEGER NOT NULL DEFAULT 0,
  text         TEXT
);
CREATE TABLE links (
  from_page INTEGER NOT NULL REFERENCES pages(id),
  to_url    INTEGER NOT NULL REFERENCES urls(id),
  PRIMARY KEY (from_page, to_url)
) WITHOUT ROWID;
CREATE INDEX links_to_url ON links(to_url);
CREATE VIEW link_urls AS
  SELECT p.url AS from_url, u.url AS to_url
  FROM links l JOIN pages p ON p.id = l.from_page JOIN urls u ON u.id = l.to_url;
)sql";

TEST_F(ReadCommandsTest, AnOlderDatabaseIsMigratedAndAReaderSaysSo) {
  {
    storage::Database db(options_.db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec(kVersion1);
    db.exec(
        "INSERT INTO urls(id, url, state, depth) VALUES (1, 'http://old.test/', 'done', 0);"
        "INSERT INTO pages(url_id, url, depth, status, title, fetched_at, text)"
        " VALUES (1, 'http://old.test/', 0, 200, 'Old apple page', '2026-01-01T00:00:00.000Z',"
        " 'kept from version one');"
        "INSERT INTO urls(id, url, state, depth) VALUES (2, 'http://old.test:8080/next', 'queued', "
        "1);"
        "PRAGMA user_version=1");
  }
  SearchOptions search{"apple", 10, std::nullopt, true};
  ::testing::internal::CaptureStderr();
  capture([&] { return run_search_command(*reader(), search); }, kExitUsage);
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("schema version 1"));

  { storage::PageStore migrate(options_.db_path); }
  EXPECT_EQ(scalar("PRAGMA user_version"), std::to_string(storage::kSchemaVersion));
  EXPECT_EQ(scalar("SELECT text FROM pages"), "kept from version one");
  // Version 5 groups queued URLs by origin, for the frontier to read them back.
  EXPECT_EQ(scalar("SELECT origin FROM urls WHERE state = 'queued'"), "http://old.test:8080");
  EXPECT_THAT(capture([&] { return run_search_command(*reader(), search); }),
              HasSubstr("old.test"));
}

}  // namespace
}  // namespace crawler
