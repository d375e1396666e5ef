// CrawlerProcess: runs the crawler executable as a child process, so tests
// can kill it (SIGKILL, SIGTERM) as a supervisor or a crash would. Every
// wait is bounded; the destructor kills and reaps a child still running.
#pragma once

#include <grp.h>
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

/// How the child starts, beyond its arguments.
struct ChildSetup {
  /// > 0: caps the size of files it may write (RLIMIT_FSIZE), which is how a
  /// test fills the disk.
  long max_file_bytes = 0;
  /// Run as user nobody when the tests run as root (file modes bind it then).
  bool unprivileged = false;
  /// The executable; one that nobody can reach when `unprivileged`.
  std::string binary = CRAWLER_BINARY;
  /// Where stderr goes; /dev/null when empty.
  std::string stderr_path;
};

class CrawlerProcess {
 public:
  /// Starts the crawler with `args`; its stdout goes to /dev/null.
  explicit CrawlerProcess(const std::vector<std::string>& args, const ChildSetup& setup = {}) {
    std::vector<std::string> argv_text{setup.binary};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      if (setup.max_file_bytes > 0) {
        ::signal(SIGXFSZ, SIG_IGN);  // a write past the cap then fails with EFBIG
        auto cap = static_cast<rlim_t>(setup.max_file_bytes);
        rlimit limit{cap, cap};
        ::setrlimit(RLIMIT_FSIZE, &limit);
      }
      if (FILE* null = std::freopen("/dev/null", "w", stdout)) (void)null;
      const char* err = setup.stderr_path.empty() ? "/dev/null" : setup.stderr_path.c_str();
      if (FILE* file = std::freopen(err, "w", stderr)) (void)file;
      if (setup.unprivileged && ::geteuid() == 0) {
        constexpr uid_t kNobody = 65534;
        if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)
          ::_exit(126);
      }
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

  /// Signals the child, unless wait() has seen it exit (its pid may be reused).
  void signal(int signum) const {
    if (!exit_code_) ::kill(pid_, signum);
  }

  /// Peak resident memory of the child, in KiB, once wait() has seen it exit.
  long max_rss_kb() const { return max_rss_kb_; }

  /// The exit code (128 + signal if killed), or empty if still running after `limit`.
  std::optional<int> wait(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!exit_code_) {
      int status = 0;
      rusage usage{};
      pid_t done = ::wait4(pid_, &status, WNOHANG, &usage);
      if (done == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        max_rss_kb_ = usage.ru_maxrss;
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
  long max_rss_kb_ = 0;
};

}  // namespace crawler::testing
