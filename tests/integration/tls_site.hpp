// TlsSite: a few static HTML pages served over HTTPS by a real nginx, with
// a throwaway CA made by openssl for the test (its certificate for
// IP:127.0.0.1, issued by that CA, trusted by nothing on this machine). nginx
// runs under the site's own directory (config, pid, logs, temp paths), as
// bench/nginx_site.py runs it, and is stopped by the destructor; it also
// gets SIGTERM if the test process dies first. It offers HTTP/2 when asked,
// closes each connection after one request when asked, serves the pages on
// as many ports (origins) as asked, and logs each request's protocol, TLS
// session reuse and connection as the server saw them.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace crawler::testing {

class TlsSite {
 public:
  /// Writes `pages` (path under / → HTML) and the certificates under `dir`,
  /// then starts nginx on `origins` free loopback ports, offering HTTP/2 if
  /// `http2`, one request per connection if `one_request_per_connection`.
  /// Throws std::runtime_error, with nginx's error log, if it cannot.
  TlsSite(const std::filesystem::path& dir, const std::map<std::string, std::string>& pages,
          bool http2 = false, bool one_request_per_connection = false, int origins = 1)
      : dir_(dir), http2_(http2), one_request_(one_request_per_connection), ports_(origins) {
    std::filesystem::create_directories(dir_ / "root");
    for (const auto& [path, html] : pages) std::ofstream(dir_ / "root" / path) << html;
    make_certificates();
    for (int attempt = 0; attempt < 3 && pid_ <= 0; ++attempt) start();
    if (pid_ <= 0) throw std::runtime_error("nginx did not start: " + read(dir_ / "error.log"));
  }
  TlsSite(const TlsSite&) = delete;
  TlsSite& operator=(const TlsSite&) = delete;
  ~TlsSite() { stop(); }

  /// "https://127.0.0.1:PORT": the first origin.
  std::string origin() const { return origin_at(0); }
  /// Every origin, the first first.
  std::vector<std::string> origins() const {
    std::vector<std::string> all;
    for (std::size_t i = 0; i < ports_.size(); ++i) all.push_back(origin_at(i));
    return all;
  }
  /// The test CA's certificate (PEM): what --ca-file must name.
  std::filesystem::path ca_file() const { return dir_ / "ca.pem"; }
  /// nginx's access log: one line per request, "PROTOCOL URI REUSED
  /// CONNECTION", e.g. "HTTP/2.0 /a.html r 3" (nginx's $server_protocol,
  /// $ssl_session_reused: "r" or ".", and $connection).
  std::string access_log() const { return read(dir_ / "access.log"); }

  /// SIGTERM (nginx's fast shutdown), then SIGKILL if it lingers; reaped.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    if (!reaped_within(std::chrono::seconds(5))) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }

 private:
  static constexpr const char* kNginx = "/usr/sbin/nginx";

  std::string origin_at(std::size_t i) const {
    return "https://127.0.0.1:" + std::to_string(ports_.at(i));
  }

  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  void run(const std::string& command) {
    std::string line = command + " >>" + (dir_ / "openssl.log").string() + " 2>&1";
    if (std::system(line.c_str()) != 0)
      throw std::runtime_error("failed: " + command + "\n" + read(dir_ / "openssl.log"));
  }

  // EC keys: made in milliseconds, where RSA would take a noticeable part
  // of a second.
  void make_certificates() {
    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2";
    const std::string d = dir_.string() + "/";
    run("openssl req -x509" + key + " -keyout " + d + "ca.key -out " + d +
        "ca.pem -subj '/CN=crawler test CA'");
    run("openssl req -x509 -CA " + d + "ca.pem -CAkey " + d + "ca.key" + key + " -keyout " + d +
        "server.key -out " + d +
        "server.pem -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
        " -addext basicConstraints=critical,CA:FALSE");
  }

  // A port nobody listens on now; nginx may still lose it to another
  // process before it binds, so the caller tries again on another.
  static int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      if (fd >= 0) ::close(fd);
      throw std::runtime_error("no free loopback port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
  }

  void write_config() {
    const std::string d = dir_.string();
    std::ofstream conf(dir_ / "nginx.conf");
    conf << "daemon off;\nmaster_process on;\nworker_processes 1;\n"
         << "pid " << d << "/nginx.pid;\nerror_log " << d << "/error.log warn;\n";
    // As root, nginx would run its worker as `nobody`, who may not read the
    // test's directory.
    if (::geteuid() == 0) conf << "user root root;\n";
    conf << "events { worker_connections 256; }\n"
         << "http {\n  log_format protocol '$server_protocol $request_uri $ssl_session_reused "
            "$connection';\n"
         << "  access_log " << d << "/access.log protocol;\n"
         << (one_request_ ? "  keepalive_requests 1;\n" : "")
         << "  types { text/html html; }\n  default_type application/octet-stream;\n";
    for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
      conf << "  " << temp << "_temp_path " << d << "/" << temp << ";\n";
    conf << "  server {\n";
    for (int port : ports_)
      conf << "    listen 127.0.0.1:" << port << " ssl" << (http2_ ? " http2" : "") << ";\n";
    // Sessions may be resumed, as on most servers (nginx's default, none,
    // offers tickets it then refuses).
    conf << "    ssl_session_cache shared:SSL:1m;\n"
         << "    ssl_certificate " << d << "/server.pem;\n"
         << "    ssl_certificate_key " << d << "/server.key;\n"
         << "    root " << d << "/root;\n    index index.html;\n  }\n}\n";
  }

  void start() {
    for (int& port : ports_) port = free_port();
    write_config();
    std::string conf = (dir_ / "nginx.conf").string();
    std::string prefix = dir_.string() + "/";
    std::string error_log = (dir_ / "error.log").string();
    pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent) ::_exit(1);
      if (FILE* null = std::freopen("/dev/null", "w", stdout)) (void)null;
      if (FILE* err = std::freopen(error_log.c_str(), "a", stderr)) (void)err;
      ::execl(kNginx, kNginx, "-p", prefix.c_str(), "-c", conf.c_str(), "-e", error_log.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Up once it accepts; gone if it exited (a port taken meanwhile).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      if (reaped_within(std::chrono::milliseconds(0))) {
        pid_ = -1;
        return;
      }
      if (accepts()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop();
  }

  bool accepts() const {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(ports_.back()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool up = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    if (fd >= 0) ::close(fd);
    return up;
  }

  bool reaped_within(std::chrono::milliseconds limit) const {
    auto deadline = std::chrono::steady_clock::now() + limit;
    do {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return true;
      if (limit.count() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
  }

  std::filesystem::path dir_;
  bool http2_ = false;
  bool one_request_ = false;
  std::vector<int> ports_;  // a port per origin
  pid_t pid_ = -1;
};

}  // namespace crawler::testing
