// UrlIdCache: two generations stand in for an LRU of the URL ids a crawler knows.
#include "storage/postgres/url_id_cache.hpp"

#include <gtest/gtest.h>

namespace crawler::storage::pg {
namespace {

TEST(UrlIdCache, KeepsWhatIsUsedAndDropsWhatIsNot) {
  UrlIdCache cache(2);
  EXPECT_FALSE(cache.find("a"));
  cache.remember("a", 1);
  cache.remember("b", 2);
  EXPECT_EQ(cache.find("a"), 1);
  cache.remember("c", 3);         // a new generation: a and b are the old one
  EXPECT_EQ(cache.find("a"), 1);  // used: moved to the new generation
  cache.remember("d", 4);         // another: b, never used since, is gone
  EXPECT_FALSE(cache.find("b"));
  EXPECT_EQ(cache.find("a"), 1);
  EXPECT_EQ(cache.find("c"), 3);
  EXPECT_EQ(cache.find("d"), 4);
}

}  // namespace
}  // namespace crawler::storage::pg
