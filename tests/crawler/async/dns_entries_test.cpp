#include "crawler/async/dns_entries.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace crawler::async {
namespace {

using Removals = std::vector<std::string>;

TEST(DnsEntries, AnEntryIsDroppedOnceItsLastTransferEnded) {
  DnsEntries entries;
  std::optional<DnsEntries::Use> a1(std::in_place, entries, "a.test:443");
  std::optional<DnsEntries::Use> a2(std::in_place, entries, "a.test:443");
  std::optional<DnsEntries::Use> b(std::in_place, entries, "b.test:80");
  EXPECT_EQ(entries.take_unused(), Removals{});
  b.reset();
  a1.reset();  // a.test still has a transfer in flight
  EXPECT_EQ(entries.take_unused(), Removals{"-b.test:80"});
  EXPECT_EQ(entries.take_unused(), Removals{});  // handed out once
  a2.reset();
  EXPECT_EQ(entries.unused(), 1u);
  EXPECT_EQ(entries.take_unused(), Removals{"-a.test:443"});
  EXPECT_EQ(entries.unused(), 0u);
}

// Its new transfer loaded the entry again: dropping it before that transfer
// connects would send libcurl to its own DNS.
TEST(DnsEntries, AnEntryUsedAgainBeforeItWasDroppedIsKeptUntilThatUseEnds) {
  DnsEntries entries;
  std::optional<DnsEntries::Use> first(std::in_place, entries, "a.test:443");
  first.reset();
  std::optional<DnsEntries::Use> again(std::in_place, entries, "a.test:443");
  EXPECT_EQ(entries.take_unused(), Removals{});
  again.reset();
  EXPECT_EQ(entries.take_unused(), Removals{"-a.test:443"});
}

}  // namespace
}  // namespace crawler::async
