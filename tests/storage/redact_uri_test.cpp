// redact_uri: a PostgreSQL URI as messages and logs show it, without its password.
#include "storage/postgres/pg.hpp"

#include <gtest/gtest.h>

namespace crawler::storage::pg {
namespace {

TEST(RedactUri, HidesThePasswordOfTheUserinfo) {
  EXPECT_EQ(redact_uri("postgresql://crawler:s3cr:et@db.example:5432/crawl"),
            "postgresql://crawler:***@db.example:5432/crawl");
  EXPECT_EQ(redact_uri("postgres://u:p@h/d?sslmode=require"),
            "postgres://u:***@h/d?sslmode=require");
}

TEST(RedactUri, HidesAPasswordParameter) {
  EXPECT_EQ(redact_uri("postgresql://h/d?user=u&password=secret&sslmode=require"),
            "postgresql://h/d?user=u&password=***&sslmode=require");
  EXPECT_EQ(redact_uri("host=h password=secret dbname=d"), "host=h password=*** dbname=d");
}

TEST(RedactUri, LeavesAUriWithoutPasswordAlone) {
  EXPECT_EQ(redact_uri("postgresql://crawler@127.0.0.1:5432/crawl"),
            "postgresql://crawler@127.0.0.1:5432/crawl");
  EXPECT_EQ(redact_uri("postgresql://127.0.0.1/crawl"), "postgresql://127.0.0.1/crawl");
}

}  // namespace
}  // namespace crawler::storage::pg
