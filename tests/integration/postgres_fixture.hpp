// PostgresTest: integration tests against a real PostgreSQL server. A
// throwaway cluster (scripts/pg-cluster: initdb on a free 127.0.0.1 port,
// as user nobody when run as root) lives for the test suite and is removed
// after it; each test gets a database of its own, and options_.db_path
// names it.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "parsers/ascii.hpp"
#include "storage/postgres/pg.hpp"
#include "tests/integration/crawl_fixture.hpp"

namespace crawler {

inline std::string run_script(const std::string& command) {
  std::string output;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  if (::pclose(pipe) != 0) output.clear();
  while (!output.empty() && parsers::is_ascii_space(output.back())) output.pop_back();
  return output;
}

class PostgresTest : public CrawlTest {
 protected:
  static void SetUpTestSuite() {
    cluster_dir_ =
        (std::filesystem::temp_directory_path() / ("pg_cluster_" + std::to_string(::getpid())))
            .string();
    admin_uri_ =
        run_script(std::string(CRAWLER_SOURCE_DIR) + "/scripts/pg-cluster start " + cluster_dir_);
  }
  static void TearDownTestSuite() {
    run_script(std::string(CRAWLER_SOURCE_DIR) + "/scripts/pg-cluster stop " + cluster_dir_);
  }

  void SetUp() override {
    CrawlTest::SetUp();
    ASSERT_FALSE(admin_uri_.empty()) << "scripts/pg-cluster could not start PostgreSQL";
    sqlite_path_ = options_.db_path;
    std::string name = "t_" + parsers::ascii_lowercase(
                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    name = name.substr(0, 60);
    storage::pg::Connection admin(admin_uri_);
    admin.exec("DROP DATABASE IF EXISTS " + name);
    admin.exec("CREATE DATABASE " + name);
    options_.db_path = admin_uri_.substr(0, admin_uri_.rfind('/') + 1) + name;
  }

  // What a crawl stored, as comparable rows.
  std::vector<std::vector<std::string>> stored() {
    auto pages = rows("SELECT url, status, title, depth, final_url FROM pages ORDER BY url");
    auto links = rows("SELECT from_url, to_url FROM link_urls ORDER BY from_url, to_url");
    auto states = rows("SELECT state, count(*) FROM url_states GROUP BY state ORDER BY state");
    pages.insert(pages.end(), links.begin(), links.end());
    pages.insert(pages.end(), states.begin(), states.end());
    return pages;
  }

  static inline std::string cluster_dir_;
  static inline std::string admin_uri_;
  std::string sqlite_path_;
};

}  // namespace crawler
