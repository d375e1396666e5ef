// `crawler healthcheck [URL]`: asks a running `serve` whether it is healthy
// (GET /healthz) and exits 0 or 1. For container HEALTHCHECKs: the runtime
// image has no curl binary, and the crawler already links libcurl.
#include <curl/curl.h>

#include <iostream>
#include <memory>

#include "crawler/commands/commands.hpp"

namespace crawler {

int run_healthcheck_command(const std::string& url) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), &curl_easy_cleanup);
  if (!easy) return kExitFailed;
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(
      easy.get(), CURLOPT_WRITEFUNCTION,
      +[](char*, size_t size, size_t count, void*) { return size * count; });
  CURLcode code = curl_easy_perform(easy.get());
  long status = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  if (code != CURLE_OK || status != 200) {
    std::cerr << "crawler healthcheck: " << url << ": "
              << (code != CURLE_OK ? curl_easy_strerror(code) : "HTTP " + std::to_string(status))
              << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace crawler
