// Fuzzes the robots.txt parser and matcher: input is "agent\npath\nfile".
#include <cstdint>

#include "parsers/robots_txt.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  crawler::fuzz::FuzzInput input(data, size);
  std::string_view agent = input.field();
  std::string_view path = input.field();
  auto robots = crawler::parsers::RobotsTxt::parse(input.rest());
  robots.check(agent, path);
  robots.check("*", path);
  robots.crawl_delay(agent);
  (void)robots.sitemaps();
  return 0;
}
