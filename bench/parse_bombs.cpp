// parse_bombs: the CPU one page costs the parse pool, for pages built to be
// slow (issue 21's classes) beside ordinary pages of the same size.
//
// Each page is parsed in a child process, twice: by gumbo alone (what the
// crawler did before its guards; the child is killed past --raw-limit CPU
// seconds), and as the crawler reads a body (parsers::parse_html_body:
// binary check, decoding, the markup guard, gumbo under the CPU budget).
// Prints one row per page: bytes, CPU seconds of each, and what the
// crawler kept (outcome, links, text bytes).
//
// usage: parse_bombs [--raw-limit SECONDS] [--budget MS] [--only NAME]

#include <gumbo.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/html_page.hpp"

namespace {

using crawler::parsers::HtmlLimits;
using crawler::parsers::HtmlOutcome;
using crawler::parsers::HtmlPage;

std::string repeat(std::size_t times, std::string_view markup) {
  std::string out;
  out.reserve(times * markup.size());
  for (std::size_t i = 0; i < times; ++i) out += markup;
  return out;
}

// An ordinary page of about `bytes`: sections of paragraphs with inline
// markup and links, lists and a table, nested a dozen levels at most.
std::string ordinary(std::size_t bytes) {
  std::string html = "<!doctype html><html><head><title>An ordinary page</title></head><body>";
  for (int n = 0; html.size() < bytes; ++n) {
    std::string i = std::to_string(n);
    html += "<div class=section><h2>Section " + i +
            "</h2><p>Some <b>bold</b> and <i>italic</i> "
            "text with <a href=\"/page/" +
            i + "\">a link</a> and <em>more words</em> to read." +
            "<p>Another paragraph, <font size=2>old markup</font>, <span>spans</span>.<ul><li>"
            "<a href=\"/item/" +
            i + "\">item</a><li>second</ul><table><tr><td>a<td>b</table></div>";
  }
  return html + "</body></html>";
}

// Old HTML as it was written: <font> and <b> opened and never closed.
std::string unclosed_formatting(std::size_t bytes) {
  std::string html = "<html><body>";
  for (int n = 0; html.size() < bytes; ++n)
    html += "<p><font face=arial size=" + std::to_string(n % 7) + "><b>Text " + std::to_string(n) +
            " <a href=/a" + std::to_string(n) + ">link</a><br>";
  return html;
}

std::string adoption_agency(bool distinct, std::size_t repeats) {
  std::string html;
  for (int i = 0; i < 2900; ++i) html += "<b x=" + std::to_string(distinct ? i : 1) + ">";
  return html + repeat(repeats, "<div>q</b>");
}

std::string many_attributes(std::size_t count) {
  std::string html = "<div";
  for (std::size_t i = 0; i < count; ++i) html += " a" + std::to_string(i) + "=1";
  return html + ">text<a href=/after>after</a></div>";
}

std::string random_bytes(std::size_t bytes) {
  std::mt19937 random(1);
  std::string out(bytes, '\0');
  for (char& c : out) c = static_cast<char>(random() & 0xff);
  return out;
}

struct Sample {
  std::string name;
  std::string body;
  std::string content_type = "text/html";
};

std::vector<Sample> samples() {
  std::vector<Sample> out;
  out.push_back({"ordinary 1 MB", ordinary(1 << 20)});
  out.push_back({"ordinary 2 MB", ordinary(2 << 20)});
  out.push_back({"unclosed <font><b> 1 MB", unclosed_formatting(1 << 20)});
  out.push_back({"<div></x> x 230,000", repeat(230'000, "<div></x>")});
  out.push_back({"<div> x 100,000", repeat(100'000, "<div>")});
  out.push_back({"2,900 distinct <b>, <div>q</b> x 100,000", adoption_agency(true, 100'000)});
  out.push_back({"2,900 distinct <b>, <div>q</b> x 40,000", adoption_agency(true, 40'000)});
  out.push_back({"2,900 identical <b>, <div>q</b> x 100,000", adoption_agency(false, 100'000)});
  out.push_back({"one tag, 100,000 attributes", many_attributes(100'000)});
  out.push_back({"2 MB href", "<a href=\"/" + std::string(2 << 20, 'a') + "\">x</a>"});
  out.push_back({"1 MiB random bytes", random_bytes(1 << 20)});
  out.push_back({"2 MB windows-1252", "<meta charset=windows-1252>" +
                                          repeat((2 << 20) / 16, "caf\xe9 <b>na\xefve</b> ")});
  return out;
}

double cpu_seconds(const rusage& usage) {
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// Runs `work` in a child limited to `limit_s` CPU seconds; the child writes
// one line of its result to a pipe. Returns the CPU seconds and the line
// ("killed" when the limit ended it).
std::pair<double, std::string> in_child(int limit_s, const std::function<std::string()>& work) {
  int fds[2];
  if (pipe(fds) != 0) std::exit(1);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    rlimit limit{static_cast<rlim_t>(limit_s), static_cast<rlim_t>(limit_s) + 1};
    setrlimit(RLIMIT_CPU, &limit);
    std::string line = work();
    if (write(fds[1], line.data(), line.size()) < 0) _exit(2);
    _exit(0);
  }
  close(fds[1]);
  std::string line;
  char buffer[256];
  ssize_t got = 0;
  while ((got = read(fds[0], buffer, sizeof buffer)) > 0) line.append(buffer, got);
  close(fds[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) line = "killed";
  return {cpu_seconds(usage), line};
}

std::string gumbo_alone(const std::string& body) {
  GumboOutput* output = gumbo_parse_with_options(&kGumboDefaultOptions, body.data(), body.size());
  gumbo_destroy_output(&kGumboDefaultOptions, output);
  return "parsed";
}

std::string crawler_parse(const Sample& sample, const HtmlLimits& limits) {
  HtmlPage page = crawler::parsers::parse_html_body(sample.body, sample.content_type,
                                                    "http://127.0.0.1/", "crawler", limits);
  const char* outcome = page.outcome == HtmlOutcome::kParsed       ? "parsed"
                        : page.outcome == HtmlOutcome::kBinary     ? "binary"
                        : page.outcome == HtmlOutcome::kOverBudget ? "over_budget"
                                                                   : "cancelled";
  return std::string(outcome) + " links=" + std::to_string(page.links.size()) +
         " text=" + std::to_string(page.text.size());
}

}  // namespace

int main(int argc, char** argv) {
  int raw_limit = 30;
  HtmlLimits limits;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--raw-limit" && i + 1 < argc) {
      raw_limit = std::atoi(argv[++i]);
    } else if (arg == "--budget" && i + 1 < argc) {
      limits.cpu_budget = std::chrono::milliseconds(std::atol(argv[++i]));
    } else if (arg == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: parse_bombs [--raw-limit SECONDS] [--budget MS] [--only NAME]\n");
      return 2;
    }
  }
  std::printf("%-42s %9s %12s %10s  %s\n", "page", "bytes", "gumbo_alone", "crawler", "kept");
  for (const Sample& sample : samples()) {
    if (!only.empty() && sample.name.find(only) == std::string::npos) continue;
    std::string raw = "-";
    if (raw_limit > 0) {
      auto [seconds, line] = in_child(raw_limit, [&] { return gumbo_alone(sample.body); });
      char text[32];
      std::snprintf(text, sizeof text, line == "killed" ? ">%.0f s" : "%.2f s", seconds);
      raw = text;
    }
    auto [seconds, kept] = in_child(600, [&] { return crawler_parse(sample, limits); });
    std::printf("%-42s %9zu %12s %8.2f s  %s\n", sample.name.c_str(), sample.body.size(),
                raw.c_str(), seconds, kept.c_str());
    std::fflush(stdout);
  }
  return 0;
}
