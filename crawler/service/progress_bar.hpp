// Progress bars for a person at a terminal: a bounded crawl (--max-pages)
// and `export` draw one, as wget and pip do. progress_bar() is the text;
// TerminalProgress redraws it on a stream that is a terminal, and draws
// nothing elsewhere (a pipe, a file, a log collector).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace crawler {

/// "[########------------]  40% 400/1000" with a bar `width` characters wide;
/// `done` past `total` shows a full bar.
std::string progress_bar(std::size_t done, std::size_t total, int width = 24);

/// "1:05:09", "4:07": an estimate of the time left; "?" when unknown.
std::string eta_text(double seconds);

class TerminalProgress {
 public:
  /// Draws on `out` only if it is a terminal.
  TerminalProgress(std::string label, std::size_t total, FILE* out = stderr);
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;
  /// Clears the line.
  ~TerminalProgress();

  /// Redraws, at most ten times a second.
  void update(std::size_t done);

 private:
  std::string label_;
  std::size_t total_;
  FILE* out_;
  bool terminal_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point drawn_{};
};

}  // namespace crawler
