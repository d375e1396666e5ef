// crawler-test-server: runs the loopback TestServer as its own process for benchmarks
// and the browser test. Usage: crawler-test-server [--host H] [--port P] [--log-requests].
// Prints "listening on http://H:P\n", flushes, serves until SIGINT or SIGTERM, then stops
// cleanly and exits 0. With --log-requests it prints "request HOST TARGET" for each
// request on stdout, within a fifth of a second of its arrival.
// Invariant: the signals are blocked before the server thread starts, so only sigwait sees them.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/test_server.hpp"

namespace {

int usage(const char* argv0) {
  std::cerr << "usage: " << argv0 << " [--host H] [--port P] [--log-requests]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 0;
  bool log_requests = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--host" || arg == "--port") && i + 1 < argc) {
      const std::string value = argv[++i];
      if (arg == "--host") {
        host = value;
      } else {
        char* end = nullptr;
        const long parsed = std::strtol(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || parsed < 0 || parsed > 65535) return usage(argv[0]);
        port = static_cast<int>(parsed);
      }
    } else if (arg == "--log-requests") {
      log_requests = true;
    } else if (arg == "--help" || arg == "-h") {
      usage(argv[0]);
      return 0;
    } else {
      return usage(argv[0]);
    }
  }

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  try {
    crawler::testing::TestServer server(host, port);
    std::cout << "listening on " << server.base_url() << std::endl;  // endl flushes.
    // Woken every 200 ms to print the requests that came meanwhile.
    const timespec every{0, 200'000'000};
    std::size_t printed = 0;
    while (sigtimedwait(&stop_signals, nullptr, &every) < 0) {
      if (!log_requests) continue;
      std::vector<crawler::testing::RequestRecord> requests = server.requests();
      for (; printed < requests.size(); ++printed)
        std::cout << "request " << requests[printed].host_header << ' ' << requests[printed].target
                  << '\n';
      std::cout.flush();
    }
    server.stop();
    std::cerr << "crawler-test-server: stopped after " << server.request_count() << " requests\n";
  } catch (const std::exception& error) {
    std::cerr << "crawler-test-server: " << error.what() << '\n';
    return 1;
  }
  return 0;
}
