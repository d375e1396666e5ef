// Progress bars: see progress_bar.hpp.
#include "crawler/service/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>

namespace crawler {

std::string progress_bar(std::size_t done, std::size_t total, int width) {
  double fraction = total == 0 ? 1.0 : std::min(1.0, static_cast<double>(done) / total);
  int filled = static_cast<int>(fraction * width);
  std::string text = "[" + std::string(filled, '#') + std::string(width - filled, '-') + "] ";
  char tail[64];
  std::snprintf(tail, sizeof tail, "%3d%% %zu/%zu", static_cast<int>(fraction * 100), done, total);
  return text + tail;
}

std::string eta_text(double seconds) {
  if (!(seconds >= 0) || seconds > 100 * 3600) return "?";
  long s = static_cast<long>(seconds + 0.5);
  char text[32];
  if (s >= 3600) {
    std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(text, sizeof text, "%ld:%02ld", s / 60, s % 60);
  }
  return text;
}

TerminalProgress::TerminalProgress(std::string label, std::size_t total, FILE* out)
    : label_(std::move(label)), total_(total), out_(out), terminal_(::isatty(::fileno(out)) == 1) {}

TerminalProgress::~TerminalProgress() {
  if (terminal_) std::fputs("\r\033[K", out_);
}

void TerminalProgress::update(std::size_t done) {
  if (!terminal_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - drawn_ < std::chrono::milliseconds(100) && done < total_) return;
  drawn_ = now;
  double elapsed = std::chrono::duration<double>(now - started_).count();
  double rate = elapsed > 0 ? done / elapsed : 0;
  std::string eta = rate > 0 && total_ >= done ? eta_text((total_ - done) / rate) : "?";
  std::fprintf(out_, "\r\033[K%s %s eta %s", label_.c_str(), progress_bar(done, total_).c_str(),
               eta.c_str());
  std::fflush(out_);
}

}  // namespace crawler
