// gumbo_parse: the parse-only ceiling for bench/crawl_site.
// Reads every *.html file under a directory into memory first, then, on one
// thread, times gumbo_parse + a walk of the tree collecting a[href] for each
// page. No I/O, no URL resolution, no storage happens inside the timed part,
// so pages/s here bounds what one core of the crawler can do with gumbo.
// With --ours, each page goes through the crawler's own parse instead
// (parsers::parse_html_page: the tree walk, the text, links resolved to crawl
// keys), as the page http://127.0.0.1/PATH: what the parse pool spends.
// Prints one line: pages= bytes= links= seconds= pages_per_second= ms_per_page=

#include <gumbo.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/html_page.hpp"

namespace {

constexpr std::string_view kUsage = "usage: gumbo_parse SITE_DIR [--repeat N] [--ours]\n";

/// Reads every regular *.html file under root, in sorted path order; their
/// paths under root go to `paths_out`.
std::vector<std::string> read_pages(const std::filesystem::path& root,
                                    std::vector<std::string>& paths_out) {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".html") {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> pages;
  pages.reserve(paths.size());
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    pages.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    paths_out.push_back(std::filesystem::relative(path, root).generic_string());
  }
  return pages;
}

/// Counts <a href> elements with an explicit stack (no recursion depth limit).
/// Touches each href value, as a link extractor would.
std::size_t count_links(const GumboNode* root, std::size_t& href_bytes) {
  std::size_t links = 0;
  std::vector<const GumboNode*> stack{root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) {
      continue;
    }
    const GumboElement& element = node->v.element;
    if (element.tag == GUMBO_TAG_A) {
      if (const GumboAttribute* href = gumbo_get_attribute(&element.attributes, "href")) {
        ++links;
        href_bytes += std::string_view(href->value).size();
      }
    }
    for (unsigned int i = element.children.length; i > 0; --i) {
      stack.push_back(static_cast<const GumboNode*>(element.children.data[i - 1]));
    }
  }
  return links;
}

}  // namespace

int main(int argc, char** argv) {
  int repeat = 1;
  bool ours = false;
  for (int i = 2; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else if (arg == "--ours") {
      ours = true;
    } else {
      repeat = 0;
    }
  }
  if (argc < 2 || repeat < 1) {
    std::fputs(kUsage.data(), stderr);
    return 2;
  }
  std::vector<std::string> pages;
  std::vector<std::string> urls;
  try {
    pages = read_pages(argv[1], urls);
    for (auto& url : urls) url = "http://127.0.0.1/" + url;
  } catch (const std::filesystem::filesystem_error& e) {
    std::fprintf(stderr, "gumbo_parse: %s\n", e.what());
    return 1;
  }
  if (pages.empty()) {
    std::fprintf(stderr, "gumbo_parse: no .html files under %s\n", argv[1]);
    return 1;
  }
  std::size_t bytes = 0;
  for (const auto& page : pages) {
    bytes += page.size();
  }

  std::size_t links = 0;
  std::size_t href_bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < repeat; ++r) {
    for (std::size_t i = 0; i < pages.size(); ++i) {
      const std::string& page = pages[i];
      if (ours) {
        auto parsed = crawler::parsers::parse_html_page(page, urls[i]);
        links += parsed.links.size();
        for (const auto& link : parsed.links) href_bytes += link.url.text().size();
        continue;
      }
      GumboOutput* output =
          gumbo_parse_with_options(&kGumboDefaultOptions, page.data(), page.size());
      links += count_links(output->root, href_bytes);
      gumbo_destroy_output(&kGumboDefaultOptions, output);
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const double parsed = static_cast<double>(pages.size()) * repeat;
  std::printf("pages=%zu bytes=%zu links=%zu seconds=%.3f pages_per_second=%.1f ms_per_page=%.3f\n",
              pages.size() * static_cast<std::size_t>(repeat),
              bytes * static_cast<std::size_t>(repeat), links, seconds, parsed / seconds,
              seconds * 1000.0 / parsed);
  return href_bytes > 0 ? 0 : 1;  // uses href_bytes so the walk cannot be optimized away
}
