// CrawlerProcess: runs the crawler executable as a child process, so tests
// can kill it (SIGKILL, SIGTERM) as a supervisor or a crash would. Every
// wait is bounded; the destructor kills and reaps a child still running.
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace crawler::testing {

class CrawlerProcess {
 public:
  /// Starts CRAWLER_BINARY with `args`; its stdout and stderr go to /dev/null.
  /// `max_file_bytes` > 0 caps the size of files it may write (RLIMIT_FSIZE),
  /// which is how a test fills the disk.
  explicit CrawlerProcess(const std::vector<std::string>& args, long max_file_bytes = 0) {
    std::vector<std::string> argv_text{CRAWLER_BINARY};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      if (max_file_bytes > 0) {
        ::signal(SIGXFSZ, SIG_IGN);  // a write past the cap then fails with EFBIG
        rlimit limit{static_cast<rlim_t>(max_file_bytes), static_cast<rlim_t>(max_file_bytes)};
        ::setrlimit(RLIMIT_FSIZE, &limit);
      }
      if (FILE* null = std::freopen("/dev/null", "w", stdout)) (void)null;
      if (FILE* null = std::freopen("/dev/null", "w", stderr)) (void)null;
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  CrawlerProcess(const CrawlerProcess&) = delete;
  CrawlerProcess& operator=(const CrawlerProcess&) = delete;
  ~CrawlerProcess() {
    if (!exit_code_ && pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  void signal(int signum) const { ::kill(pid_, signum); }

  /// The exit code (128 + signal if killed), or empty if still running after `limit`.
  std::optional<int> wait(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!exit_code_) {
      int status = 0;
      pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      } else if (std::chrono::steady_clock::now() >= deadline) {
        break;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    return exit_code_;
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace crawler::testing
