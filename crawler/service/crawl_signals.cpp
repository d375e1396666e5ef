// SeedReloader: see crawl_signals.hpp.
#include "crawler/service/crawl_signals.hpp"

#include <csignal>
#include <cstdlib>
#include <exception>
#include <thread>

#include "config/seeds_file.hpp"
#include "crawler/base/log.hpp"

namespace crawler {

SeedReloader::SeedReloader(uv_loop_t* loop, std::string path, CrawlEngine& engine)
    : path_(std::move(path)), engine_(engine), signal_(loop, SIGHUP, [this] { reload(); }) {}

void SeedReloader::reload() noexcept {
  try {
    config::SeedList seeds = config::load_seed_list(path_);
    for (const auto& warning : seeds.warnings) log::warning(warning);
    if (!seeds.error.empty()) {
      log::error("SIGHUP: " + seeds.error + "; keeping the current seeds");
      return;
    }
    auto added = engine_.add_seeds(seeds.urls);
    log::info("SIGHUP: " + std::to_string(added.size()) + " new seed(s)");
  } catch (const std::exception& e) {
    log::error(std::string("SIGHUP: ") + e.what());
  }
}

void exit_within(std::chrono::milliseconds limit) {
  std::thread([limit] {
    std::this_thread::sleep_for(limit);
    log::warning("asked twice to stop: exiting now; what was committed is kept");
    std::_Exit(128 + SIGINT);
  }).detach();
}

}  // namespace crawler
