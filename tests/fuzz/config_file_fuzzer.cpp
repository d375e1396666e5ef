// Fuzzes the config file reader: any text is applied or refused with an
// error that names the file; a refused file changes nothing.
#include <cstdint>
#include <cstdlib>

#include "config/config_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace crawler::config;
  CrawlOptions options;
  auto error = apply_config_text(std::string_view(reinterpret_cast<const char*>(data), size),
                                 "fuzz.toml", options);
  if (error && !error->message.starts_with("fuzz.toml")) std::abort();
  return 0;
}
