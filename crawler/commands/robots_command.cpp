// `crawler robots`: checks URLs against a local robots.txt exactly as the
// crawler would, and says which rule decided. For site owners testing their
// own file before a crawler meets it.
#include <fstream>
#include <iostream>
#include <sstream>

#include "crawler/admission/robots_cache.hpp"
#include "crawler/commands/commands.hpp"
#include "parsers/crawl_url.hpp"
#include "parsers/robots_txt.hpp"

namespace crawler {

namespace {

// The path and query the rules see: of a URL, or the input itself if it is a path.
std::string path_of(const std::string& input) {
  if (auto url = parsers::CrawlUrl::normalize(input))
    return url->text().substr(url->origin().size());
  return input;
}

}  // namespace

int run_robots_command(const RobotsOptions& options) {
  std::ifstream in(options.file, std::ios::binary);
  if (!in) {
    std::cerr << "crawler robots: cannot read '" << options.file << "'\n";
    return kExitUsage;
  }
  std::ostringstream content;
  content << in.rdbuf();
  parsers::RobotsTxt robots = parsers::RobotsTxt::parse(content.str());
  std::string agent = parsers::robots_product_token(options.agent);
  if (agent.empty()) {
    std::cerr << "crawler robots: '" << options.agent << "' holds no product token\n";
    return kExitUsage;
  }
  for (const auto& url : options.urls) {
    parsers::RobotsDecision decision = robots.check(agent, path_of(url));
    std::cout << (decision.allowed ? "allowed " : "disallowed ") << url;
    if (decision.rule) {
      std::cout << " (line " << decision.rule->line << ": "
                << (decision.rule->allow ? "Allow: " : "Disallow: ") << decision.rule->pattern
                << ")";
    }
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace crawler
