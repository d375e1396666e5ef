// Built-in routes (see builtin_routes.hpp and the route list in test_server.hpp).
// Numbers in paths are plain decimal digits only ("+1", "01x", "" are 404), so malformed
// paths never reach arithmetic; page bodies are built with std::string, never printf.
#include "tests/support/builtin_routes.hpp"

#include "tests/support/hostile_routes.hpp"

#include <charconv>
#include <optional>
#include <string>
#include <vector>

namespace crawler::testing {
namespace {

constexpr std::string_view kHtml = "text/html; charset=utf-8";

std::optional<std::uint64_t> parse_number(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// If `path` starts with `prefix`, returns the rest.
std::optional<std::string_view> strip_prefix(std::string_view path, std::string_view prefix) {
  if (path.substr(0, prefix.size()) != prefix) return std::nullopt;
  return path.substr(prefix.size());
}

CannedResponse html(int status, std::string body) {
  return CannedResponse{status, {{"Content-Type", std::string(kHtml)}}, std::move(body)};
}

CannedResponse simple_page(int status, std::string_view title) {
  std::string body = "<!DOCTYPE html>\n<html><head><title>";
  body += title;
  body += "</title></head><body><p>";
  body += title;
  body += "</p></body></html>\n";
  return html(status, std::move(body));
}

RouteReply respond(CannedResponse response) {
  return RouteReply{RouteReply::Kind::kRespond, std::move(response), 0};
}

RouteReply not_found() {
  return respond(simple_page(404, "404 Not Found"));
}
RouteReply bad_request() {
  return respond(simple_page(400, "400 Bad Request"));
}

void add_link(std::string& body, std::string_view href, std::string_view text) {
  body += "<li><a href=\"";
  body += href;
  body += "\">";
  body += text;
  body += "</a></li>\n";
}

RouteReply site_page(std::string_view rest, std::string_view authority) {
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos) return not_found();
  const auto n = parse_number(rest.substr(0, slash));
  const auto p = parse_number(rest.substr(slash + 1));
  if (!n || !p || *p >= *n) return not_found();
  const std::string ns = std::to_string(*n);
  const std::string ps = std::to_string(*p);

  std::string body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Page " + ps +
                     "</title></head>\n<body>\n<h1>Page " + ps + " of " + ns + "</h1>\n" +
                     "<p>This is page" + ps + " of a synthetic site with " + ns +
                     " pages.</p>\n<ul>\n";
  const std::uint64_t left = 2 * *p + 1;
  const std::uint64_t right = 2 * *p + 2;
  if (left < *n) add_link(body, "/site/" + ns + "/" + std::to_string(left), "left child");
  if (right < *n) add_link(body, std::to_string(right), "right child");
  if (*p > 0) {
    const std::string parent = std::to_string((*p - 1) / 2);
    add_link(body, "http://" + std::string(authority) + "/site/" + ns + "/" + parent, "parent");
  }
  add_link(body, "../" + ns + "/0", "home");
  body += "</ul>\n</body></html>\n";
  return respond(html(200, std::move(body)));
}

RouteReply status_page(std::string_view rest) {
  const auto code = parse_number(rest);
  if (!code || *code < 200 || *code > 599) return not_found();
  const int status = static_cast<int>(*code);
  return respond(
      simple_page(status, std::to_string(status) + " " + std::string(reason_phrase(status))));
}

RouteReply redirect(std::string location) {
  CannedResponse response = simple_page(302, "302 Found");
  response.headers.emplace_back("Location", std::move(location));
  return respond(std::move(response));
}

RouteReply image_png() {
  // PNG signature followed by deterministic bytes; i % 7 == 0 makes plenty of NULs.
  std::string body("\x89PNG\r\n\x1a\n", 8);
  for (int i = 0; i < 312; ++i) body += static_cast<char>(i % 7 == 0 ? 0 : (i * 37) & 0xff);
  return respond(CannedResponse{200, {{"Content-Type", "image/png"}}, std::move(body)});
}

RouteReply relative_index(std::string_view authority) {
  std::string body =
      "<!DOCTYPE html>\n<html><head><title>Relative links</title></head>\n<body>\n"
      "<a href=\"a.html\">a</a>\n"
      "<a href=\"./b.html\">b</a>\n"
      "<a href=\"../up.html\">up</a>\n"
      "<a href=\"sub/c.html\">c</a>\n"
      "<a href=\"/abs.html\">abs</a>\n"
      "<a href=\"d.html#frag\">d</a>\n"
      "<a href=\"?q=1\">query</a>\n"
      "<a href=\"mailto:x@y.z\">mail</a>\n"
      "<a href=\"javascript:void(0)\">js</a>\n"
      "<a href=\"HTTP://";
  body += authority;
  body +=
      "/UPPER/../e.html\">e</a>\n"
      "<map name=\"m\"><area href=\"area.html\" alt=\"area\"></map>\n"
      "</body></html>\n";
  return respond(html(200, std::move(body)));
}

RouteReply relative_base() {
  return respond(html(200,
                      "<!DOCTYPE html>\n<html><head><base href=\"/other/dir/\">"
                      "<title>Base links</title></head>\n<body>\n"
                      "<a href=\"x.html\">x</a>\n"
                      "<a href=\"../y.html\">y</a>\n"
                      "</body></html>\n"));
}

// Markup in a title and text, for the console's escaping: shown as text, never run.
RouteReply title_script() {
  return respond(html(200,
                      "<!DOCTYPE html>\n<html><head><title>&lt;script&gt;window.__pwned=1&lt;/"
                      "script&gt;Tricky &amp; &lt;b&gt;bold&lt;/b&gt;</title></head>\n<body>\n"
                      "<p>zanzibarquux &lt;img src=x onerror=\"window.__pwned=2\"&gt;</p>\n"
                      "<a href=\"/site/200/0\">home</a>\n"
                      "</body></html>\n"));
}

// Twenty words of 300 letters each, in the title and the text: a console must wrap them.
RouteReply long_title() {
  std::string words;
  for (char letter = 'a'; letter < 'a' + 20; ++letter) {
    if (!words.empty()) words += ' ';
    words += std::string(300, letter);
  }
  return respond(html(200, "<!DOCTYPE html>\n<html><head><title>" + words +
                               "</title></head>\n<body>\n<p>longtitlequux " + words +
                               "</p>\n</body></html>\n"));
}

// U+202E RIGHT-TO-LEFT OVERRIDE (UTF-8 E2 80 AE) in the title and the text, never closed:
// a console must isolate it, or it reverses what follows on the line.
RouteReply rtl_title() {
  return respond(html(200,
                      "<!DOCTYPE html>\n<html><head><title>Override \xE2\x80\xAEreversed "
                      "title</title></head>\n<body>\n<p>rtlquux \xE2\x80\xAEreversed "
                      "excerpt</p>\n</body></html>\n"));
}

RouteReply big_page(std::string_view rest) {
  const auto bytes = parse_number(rest);
  if (!bytes) return not_found();
  if (*bytes > kMaxBigBytes) return bad_request();
  std::string body = "<!DOCTYPE html>\n<html><body><p>";
  body.resize(static_cast<std::size_t>(*bytes), 'x');
  return respond(html(200, std::move(body)));
}

}  // namespace

RouteReply route_builtin(std::string_view path, std::string_view authority) {
  if (auto rest = strip_prefix(path, "/site/")) return site_page(*rest, authority);
  if (auto rest = strip_prefix(path, "/delay/")) {
    const auto ms = parse_number(*rest);
    if (!ms) return not_found();
    if (*ms > kMaxDelayMs) return bad_request();
    return RouteReply{RouteReply::Kind::kDelay,
                      simple_page(200, "Delayed " + std::to_string(*ms) + " ms"), *ms};
  }
  if (auto rest = strip_prefix(path, "/status/")) return status_page(*rest);
  if (auto rest = strip_prefix(path, "/redirect/")) {
    const auto n = parse_number(*rest);
    if (!n) return not_found();
    if (*n == 0) return respond(simple_page(200, "Redirect target"));
    return redirect("/redirect/" + std::to_string(*n - 1));
  }
  if (path == "/redirect-loop/a") return redirect("/redirect-loop/b");
  if (path == "/redirect-loop/b") return redirect("/redirect-loop/a");
  if (path == "/image.png") return image_png();
  if (path == "/title-script.html") return title_script();
  if (path == "/long-title.html") return long_title();
  if (path == "/rtl-title.html") return rtl_title();
  if (path == "/relative/index.html") return relative_index(authority);
  if (path == "/relative/base.html") return relative_base();
  if (path == "/reset") return RouteReply{RouteReply::Kind::kReset, {}, 0};
  if (path == "/truncated") {
    CannedResponse response = html(200, std::string(100, 't'));
    response.headers.emplace_back("Content-Length", "10000");
    return RouteReply{RouteReply::Kind::kTruncate, std::move(response), 0};
  }
  if (auto rest = strip_prefix(path, "/big/")) return big_page(*rest);
  if (path.starts_with("/hostile")) return route_hostile(path);
  return not_found();
}

}  // namespace crawler::testing
