// dns_names: what libcurl's DNS cache costs a crawl of many names.
//
// T transfers, C at a time, each to a name of its own (nI.bench, pinned to
// the loopback with CURLOPT_RESOLVE, as the admission gate pins every name),
// against the test server in this process. Prints the loop thread's CPU per
// transfer in each tenth of the run, and the heap in use after the last
// transfer: flat
// when libcurl's cache holds the names in flight (DnsEntries, the default),
// growing with the names crawled when it keeps them all (--keep-entries,
// as before 2026-12-07).
//
//   build/release/bench/dns_names [--transfers 20000] [--concurrency 64] [--keep-entries]
#include <malloc.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crawler/async/curl_multi.hpp"
#include "crawler/async/fetch.hpp"
#include "crawler/async/loop.hpp"
#include "crawler/async/run.hpp"
#include "crawler/async/task_scope.hpp"
#include "tests/support/test_server.hpp"

namespace {

using namespace crawler::async;

struct Options {
  int transfers = 20'000;
  int concurrency = 64;
  bool keep_entries = false;
};

struct Run {
  const Options& options;
  int port;
  int started = 0;
  int done = 0;
  int failed = 0;
  std::vector<double> tenth_cpu_s;  // the loop thread's CPU at the end of each tenth
  double heap_mb = 0;               // in use once every transfer ended, libcurl's cache held
};

double thread_cpu_s() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

FetchRequest request_for(const Run& run, int i) {
  std::string name = "n" + std::to_string(i) + ".bench:" + std::to_string(run.port);
  FetchRequest request;
  request.url = "http://" + name + "/site/1/0";
  request.origin = "http://" + name;
  request.resolve = {name + ":127.0.0.1"};
  if (!run.options.keep_entries) request.dns_key = name;
  request.keep_connection = false;  // a name is fetched once: nothing to keep
  request.connect_check = [](const sockaddr*) { return std::optional<std::string>(); };
  return request;
}

Task<void> worker(CurlMulti& multi, Run& run) {
  while (run.started < run.options.transfers) {
    FetchResult result = co_await fetch(multi, request_for(run, run.started++));
    if (result.status != 200) ++run.failed;
    ++run.done;
    if (run.done % (run.options.transfers / 10) == 0) run.tenth_cpu_s.push_back(thread_cpu_s());
  }
}

Task<void> crawl(Loop& loop, Run& run) {
  CurlMulti multi(loop.get());
  TaskScope scope;
  for (int i = 0; i < run.options.concurrency; ++i) scope.spawn(worker(multi, run));
  co_await scope.join();
  run.heap_mb = static_cast<double>(mallinfo2().uordblks) / 1e6;
  multi.shutdown();
}

std::optional<Options> parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--keep-entries") {
      options.keep_entries = true;
    } else if ((arg == "--transfers" || arg == "--concurrency") && i + 1 < argc) {
      int value = std::atoi(argv[++i]);
      (arg == "--transfers" ? options.transfers : options.concurrency) = value;
    } else {
      return std::nullopt;
    }
  }
  if (options.transfers < 10 || options.concurrency < 1) return std::nullopt;
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> options = parse(argc, argv);
  if (!options) {
    std::fprintf(stderr,
                 "usage: dns_names [--transfers N >= 10] [--concurrency C] [--keep-entries]\n");
    return 2;
  }
  crawler::testing::TestServer server;
  Run run{.options = *options, .port = server.port(), .tenth_cpu_s = {}, .heap_mb = 0};
  Loop loop;
  double start = thread_cpu_s();
  run_until_done(loop, crawl(loop, run));
  loop.close();
  server.stop();

  std::printf("dns_names: %d transfers to as many names, %d at a time; libcurl keeps %s\n",
              options->transfers, options->concurrency,
              options->keep_entries ? "every name (--keep-entries)" : "the names in flight");
  std::printf("tenth  loop CPU us/transfer\n");
  double before = start;
  int per_tenth = options->transfers / 10;
  for (std::size_t i = 0; i < run.tenth_cpu_s.size(); ++i) {
    std::printf("%5zu  %8.1f\n", i + 1, (run.tenth_cpu_s[i] - before) * 1e6 / per_tenth);
    before = run.tenth_cpu_s[i];
  }
  std::printf("failed: %d; heap in use after the last transfer (the server's included): %.1f MB\n",
              run.failed, run.heap_mb);
  return run.failed == 0 ? 0 : 1;
}
