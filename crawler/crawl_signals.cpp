// The signals a running crawl answers: see crawl_signals.hpp.
#include "crawler/crawl_signals.hpp"

#include <csignal>
#include <exception>

#include "config/seeds_file.hpp"
#include "crawler/log.hpp"

namespace crawler {

async::UvHandle<uv_signal_t> watch_stop_signal(async::Loop& loop, int signum, CrawlEngine& engine) {
  auto handle = async::UvHandle<uv_signal_t>::open(
      [&](uv_signal_t* s) { return uv_signal_init(loop.get(), s); });
  handle.get()->data = &engine;
  uv_signal_start(
      handle.get(), [](uv_signal_t* s, int) { static_cast<CrawlEngine*>(s->data)->stop(); },
      signum);
  return handle;
}

SeedReloader::SeedReloader(async::Loop& loop, std::string path, CrawlEngine& engine)
    : path_(std::move(path)),
      engine_(engine),
      signal_(async::UvHandle<uv_signal_t>::open(
          [&](uv_signal_t* s) { return uv_signal_init(loop.get(), s); })) {
  signal_.get()->data = this;
  uv_signal_start(signal_.get(), &SeedReloader::on_signal, SIGHUP);
}

void SeedReloader::on_signal(uv_signal_t* handle, int) noexcept {
  auto* self = static_cast<SeedReloader*>(handle->data);
  try {
    config::SeedList seeds = config::load_seed_list(self->path_);
    for (const auto& warning : seeds.warnings) log::warning(warning);
    if (!seeds.error.empty()) {
      log::error("SIGHUP: " + seeds.error + "; keeping the current seeds");
      return;
    }
    auto added = self->engine_.add_seeds(seeds.urls);
    log::info("SIGHUP: " + std::to_string(added.size()) + " new seed(s)");
  } catch (const std::exception& e) {
    log::error(std::string("SIGHUP: ") + e.what());
  }
}

}  // namespace crawler
