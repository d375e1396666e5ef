// The HTTP endpoint of `crawler serve`: see service_endpoint.hpp.
#include "crawler/service/service_endpoint.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstdio>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "crawler/service/console_api.hpp"
#include "crawler/service/console_log_api.hpp"
#include "crawler/service/console_origin_api.hpp"
#include "crawler/service/console_static.hpp"
#include "crawler/service/metrics.hpp"
#include "parsers/ascii.hpp"
#include "storage/sqlite/sqlite.hpp"

namespace crawler {

namespace {

using async::HttpReply;
using async::HttpRequest;
using Respond = async::HttpEndpoint::Respond;

constexpr const char* kJson = "application/json";
HttpReply plain(int status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body)};
}

HttpReply json_reply(int status, std::string body) {
  return {status, kJson, std::move(body), {{"Cache-Control", "no-store"}}};
}

// A number from a query parameter within [low, high]; `fallback` when absent.
std::optional<long> bounded(const HttpRequest& request, std::string_view name, long fallback,
                            long low, long high) {
  auto text = request.param(name);
  if (!text) return fallback;
  long value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value < low || value > high)
    return std::nullopt;
  return value;
}

// The console's reads of the database: one runs on the thread pool at a
// time (the pool also parses the crawl's pages, and an operator's views
// must not take it over); a few more wait their turn, in order.
struct PoolReads {
  static constexpr std::size_t kMaxWaiting = 8;
  bool running = false;
  std::deque<std::function<void()>> waiting;  // each starts one read
};

// A read ended: the next one waiting starts.
void start_next(PoolReads& reads) {
  reads.running = false;
  if (reads.waiting.empty()) return;
  std::function<void()> start = std::move(reads.waiting.front());
  reads.waiting.pop_front();
  start();
}

// Runs `work` (which returns a HttpReply) on the thread pool and answers
// with what it returns; a storage failure is a 503 naming it. While
// another read runs it waits its turn; past kMaxWaiting waiting, 503 with
// Retry-After.
template <typename Work>
void answer_off_loop(uv_loop_t* loop, std::shared_ptr<PoolReads> reads, Work work,
                     Respond respond) {
  if (reads->running) {
    if (reads->waiting.size() >= PoolReads::kMaxWaiting)
      return respond({503,
                      kJson,
                      error_json("busy with other searches and views; try again"),
                      {{"Retry-After", "1"}, {"Cache-Control", "no-store"}}});
    // Weak: a waiting read must not keep the queue that holds it alive.
    reads->waiting.push_back([loop, weak = std::weak_ptr<PoolReads>(reads), work = std::move(work),
                              respond = std::move(respond)]() mutable {
      if (auto alive = weak.lock())
        answer_off_loop(loop, alive, std::move(work), std::move(respond));
    });
    return;
  }
  struct Job {
    uv_work_t request{};
    std::shared_ptr<PoolReads> reads;
    Work work;
    Respond respond;
    HttpReply reply;
  };
  reads->running = true;
  auto job = std::make_unique<Job>(Job{{}, reads, std::move(work), std::move(respond), {}});
  job->request.data = job.get();
  int rc = uv_queue_work(
      loop, &job->request,
      [](uv_work_t* request) {
        auto* job = static_cast<Job*>(request->data);
        try {
          job->reply = job->work();
        } catch (const storage::StorageError& e) {
          job->reply = json_reply(e.failure() == storage::Failure::kBadRequest ? 400 : 503,
                                  error_json(e.what()));
        } catch (const std::exception& e) {
          job->reply = json_reply(503, error_json(e.what()));
        }
      },
      [](uv_work_t* request, int) {
        std::unique_ptr<Job> job(static_cast<Job*>(request->data));
        std::shared_ptr<PoolReads> reads = job->reads;
        job->respond(std::move(job->reply));
        job.reset();
        start_next(*reads);
      });
  if (rc != 0) {
    job->respond(json_reply(503, error_json(uv_strerror(rc))));
    start_next(*reads);
    return;
  }
  job.release();  // the after-work callback owns it now
}

class Service {
 public:
  Service(CrawlEngine& engine, const ConsoleHistory& history, ServiceSettings settings)
      : engine_(engine), history_(history), settings_(std::move(settings)) {}

  void handle(const HttpRequest& request, Respond respond) {
    const std::string& path = request.path;
    bool api = path.starts_with("/api/");
    if (auto refused = refuse(request, api)) return respond(std::move(*refused));
    if (path == "/healthz") {
      if (engine_.failed()) return respond(plain(503, "database writes failing\n"));
      return respond(plain(200, "ok\n"));
    }
    if (path == "/metrics")
      return respond({200, "text/plain; version=0.0.4; charset=utf-8",
                      prometheus_text(engine_.counters(), engine_.gauges())});
    if (path == "/status")
      return respond({200, kJson, status_json(engine_.counters(), engine_.gauges())});
    if (!api) {
      if (auto file = console_file(request)) return respond(std::move(*file));
      return respond(plain(404, "not found: / /api/ /healthz /metrics /status\n"));
    }
    // refuse() let through only a known path asked with its own method.
    if (const ApiRoute* route = api_route(path)) return (this->*route->answer)(request, respond);
    respond(json_reply(404, error_json("no such view or action")));
  }

 private:
  // One row per /api/ path (kApiRoutes, below): an action takes POST
  // only, a view GET and HEAD.
  struct ApiRoute {
    std::string_view path;
    bool action;
    void (Service::*answer)(const HttpRequest&, Respond&);
  };

  static const ApiRoute* api_route(std::string_view path) {
    for (const ApiRoute& route : kApiRoutes)
      if (route.path == path) return &route;
    return nullptr;
  }

  // The methods `path` takes, for a 405's Allow (RFC 9110 15.5.6).
  static std::string_view allowed(std::string_view path, bool api) {
    const ApiRoute* route = api_route(path);
    if (route) return route->action ? "POST" : "GET, HEAD";
    return api ? "GET, HEAD, POST" : "GET, HEAD";
  }

  static HttpReply not_allowed(std::string_view path, bool api) {
    std::string allow(allowed(path, api));
    return {405,
            kJson,
            error_json(std::string(path) + " takes " + allow + " only"),
            {{"Allow", allow}, {"Cache-Control", "no-store"}}};
  }

  // Why a request is refused, if it is: wrong method, a Host that is not
  // ours (a DNS rebinding page), a cross-site action, a missing token.
  std::optional<HttpReply> refuse(const HttpRequest& request, bool api) const {
    bool post = request.method == "POST";
    bool get = request.method == "GET" || request.method == "HEAD";
    const ApiRoute* route = api ? api_route(request.path) : nullptr;
    if ((!post && !get) || (post && !api) || (route && route->action != post))
      return not_allowed(request.path, api);
    // A rebinding page reaches us under its own host name. On loopback only
    // loopback names and addresses are ours; elsewhere a request by name
    // must carry the token, as an action would.
    std::string_view host = split_host(request.header("Host"));
    bool by_name = !host.empty() && !is_address(host) && host != "localhost";
    if (settings_.loopback && !host.empty() && !is_loopback_host(host))
      return json_reply(403, error_json("this endpoint answers to a loopback Host only"));
    if (!api) return std::nullopt;
    // A page elsewhere can make a browser POST a form here, but not send a
    // header of its own choosing (that needs a CORS preflight we never grant).
    if (post && request.header("X-Crawler-Action").empty())
      return json_reply(403, error_json("actions need the X-Crawler-Action header"));
    bool needs_token = !settings_.token.empty() &&
                       (post || settings_.token_reads || (by_name && !settings_.loopback));
    if (needs_token && !bearer_matches(request.header("Authorization")))
      return HttpReply{401,
                       kJson,
                       error_json("token missing or wrong"),
                       {{"WWW-Authenticate", "Bearer realm=\"crawler\""}}};
    return std::nullopt;
  }

  // "Bearer TOKEN" (the scheme in any case), compared in constant time.
  bool bearer_matches(std::string_view authorization) const {
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() < kScheme.size() ||
        !parsers::ascii_iequals(authorization.substr(0, kScheme.size()), kScheme))
      return false;
    std::string_view given = authorization.substr(kScheme.size());
    const std::string& token = settings_.token;
    unsigned char differ = given.size() == token.size() ? 0 : 1;
    for (std::size_t i = 0; i < token.size(); ++i)
      differ |= static_cast<unsigned char>(token[i] ^ (i < given.size() ? given[i] : 0));
    return differ == 0;
  }

  static std::string_view split_host(std::string_view host) {
    if (host.starts_with('[')) return host.substr(1, host.find(']') - 1);
    return host.substr(0,
                       host.rfind(':') == std::string_view::npos ? host.size() : host.rfind(':'));
  }

  void add_seeds(const HttpRequest& request, Respond& respond) {
    respond(json_reply(200, add_seeds_json(engine_, request.body)));
  }

  // POST /api/pause and POST /api/resume.
  void pause(const HttpRequest& request, Respond& respond) {
    engine_.pause(request.path == "/api/pause");
    respond(json_reply(200, engine_.paused() ? R"({"paused":true})" : R"({"paused":false})"));
  }

  void overview(const HttpRequest& request, Respond& respond) {
    std::optional<double> since;
    if (auto text = request.param("since")) {
      double value = 0;
      auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
      if (ec != std::errc{} || end != text->data() + text->size())
        return respond(json_reply(400, error_json("since: not a number")));
      since = value;
    }
    respond(json_reply(200, overview_json(engine_, history_, since)));
  }

  void hosts(const HttpRequest& request, Respond& respond) {
    auto limit = bounded(request, "limit", 100, 1, 1000);
    if (!limit) return respond(json_reply(400, error_json("limit: a number from 1 to 1000")));
    auto body = hosts_json(engine_, request.param("sort").value_or("queued"),
                           static_cast<std::size_t>(*limit));
    if (!body)
      return respond(
          json_reply(400, error_json("sort: one of queued, fetched, errors, mean_ms, origin")));
    respond(json_reply(200, std::move(*body)));
  }

  void errors(const HttpRequest& request, Respond& respond) {
    auto limit = bounded(request, "limit", 5, 0, 100);
    if (!limit) return respond(json_reply(400, error_json("limit: a number from 0 to 100")));
    respond(json_reply(200, errors_json(engine_, static_cast<std::size_t>(*limit))));
  }

  // GET /api/log?origin=&class=&error=&after=&limit=&format=jsonl
  void crawl_log(const HttpRequest& request, Respond& respond) {
    auto limit = bounded(request, "limit", 200, 1, 5000);
    if (!limit) return respond(json_reply(400, error_json("limit: a number from 1 to 5000")));
    auto after = bounded(request, "after", 0, 0, std::numeric_limits<long>::max());
    if (!after) return respond(json_reply(400, error_json("after: a line number")));
    auto filter = log_filter(
        static_cast<std::uint64_t>(*after), std::string(request.param("origin").value_or("")),
        std::string(request.param("class").value_or("")),
        std::string(request.param("error").value_or("")), static_cast<std::size_t>(*limit));
    if (!filter)
      return respond(json_reply(400, error_json("class: one of 1xx, 2xx, 3xx, 4xx, 5xx, error")));
    auto format = request.param("format").value_or("json");
    if (format == "jsonl")
      return respond({200,
                      "application/x-ndjson; charset=utf-8",
                      log_json_lines(engine_.fetch_log(), *filter),
                      {{"Cache-Control", "no-store"}}});
    if (format != "json") return respond(json_reply(400, error_json("format: json or jsonl")));
    respond(json_reply(200, log_json(engine_.fetch_log(), *filter)));
  }

  // GET /api/origin?origin=O&offset=N&limit=N: what the loop knows, then
  // what the database holds (queued URLs, robots.txt), read on the pool.
  void origin(const HttpRequest& request, Respond& respond) {
    auto origin = origin_param(request.param("origin").value_or(""));
    if (!origin) return respond(json_reply(400, error_json("origin: scheme://host[:port]")));
    auto offset = bounded(request, "offset", 0, 0, std::numeric_limits<long>::max());
    auto limit = bounded(request, "limit", 50, 1, 500);
    if (!offset || !limit)
      return respond(json_reply(400, error_json("offset, limit: numbers (limit 1 to 500)")));
    auto live = nlohmann::json::parse(origin_json(engine_, *origin));
    auto work = [reader = settings_.reader, live = std::move(live), o = *origin, from = *offset,
                 n = static_cast<int>(*limit)]() mutable {
      live.update(nlohmann::json::parse(origin_stored_json(*reader, o, from, n)));
      return json_reply(200, live.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    };
    answer_off_loop(settings_.loop, busy_, std::move(work), std::move(respond));
  }

  // GET /api/config: the effective configuration, secrets masked.
  void configuration(const HttpRequest&, Respond& respond) {
    respond(json_reply(200, config_json(settings_.configuration, settings_.reader->name())));
  }

  // GET /api/seeds/list?limit=N: the seeds and their state, from the database.
  void seed_list(const HttpRequest& request, Respond& respond) {
    auto limit = bounded(request, "limit", 1000, 1, 10'000);
    if (!limit) return respond(json_reply(400, error_json("limit: a number from 1 to 10000")));
    auto work = [reader = settings_.reader, n = static_cast<int>(*limit)] {
      return json_reply(200, seeds_json(*reader, n));
    };
    answer_off_loop(settings_.loop, busy_, std::move(work), std::move(respond));
  }

  // GET /api/url?url=U: any URL the crawl knows, stored or not.
  void url_state(const HttpRequest& request, Respond& respond) {
    auto url = request.param("url");
    if (!url || url->empty()) return respond(json_reply(400, error_json("url: missing")));
    auto live = nlohmann::json::parse(url_json(engine_, *url));
    auto work = [reader = settings_.reader, live = std::move(live)]() mutable {
      live.update(nlohmann::json::parse(url_stored_json(*reader, live["key"].get<std::string>())));
      return json_reply(200, live.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    };
    answer_off_loop(settings_.loop, busy_, std::move(work), std::move(respond));
  }

  // POST /api/origin/{pause,resume,block,delay}?origin=O[&delay=SECONDS]:
  // an order for one origin, kept across restarts. Blocking is for the
  // rest of the crawl: nothing lifts it.
  void control_origin(const HttpRequest& request, Respond& respond) {
    auto origin = origin_param(request.param("origin").value_or(""));
    if (!origin) return respond(json_reply(400, error_json("origin: scheme://host[:port]")));
    storage::OriginControl order{*origin};
    if (const storage::OriginControl* given = engine_.origin_controls().find(*origin))
      order = *given;
    std::string_view action = std::string_view(request.path).substr(sizeof("/api/origin/") - 1);
    if (action == "pause") {
      order.paused = true;
    } else if (action == "resume") {
      order.paused = false;
    } else if (action == "block") {
      order.blocked = true;
    } else {  // delay: seconds, or empty for the crawl's own
      std::string text = request.param("delay").value_or("");
      if (text.empty()) {
        order.delay_ms = -1;
      } else {
        double seconds = -1;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (ec != std::errc{} || end != text.data() + text.size() || !(seconds >= 0) ||
            seconds > 3600)
          return respond(json_reply(400, error_json("delay: seconds from 0 to 3600, or empty")));
        order.delay_ms = static_cast<std::int64_t>(seconds * 1000);
      }
    }
    engine_.control_origin(std::move(order));
    respond(json_reply(200, origin_order_json(engine_, *origin)));
  }

  void search(const HttpRequest& request, Respond& respond) {
    auto query = request.param("q");
    auto limit = bounded(request, "limit", 20, 1, 100);
    if (!query || query->empty()) return respond(json_reply(400, error_json("q: missing")));
    if (!limit) return respond(json_reply(400, error_json("limit: a number from 1 to 100")));
    auto work = [reader = settings_.reader, q = *query, n = static_cast<int>(*limit)] {
      return json_reply(200, search_json(*reader, q, n));
    };
    answer_off_loop(settings_.loop, busy_, std::move(work), std::move(respond));
  }

  void page(const HttpRequest& request, Respond& respond) {
    auto url = request.param("url");
    if (!url || url->empty()) return respond(json_reply(400, error_json("url: missing")));
    auto work = [reader = settings_.reader, url = *url] {
      auto body = page_json(*reader, url);
      return body ? json_reply(200, std::move(*body))
                  : json_reply(404, error_json("no stored page for " + url));
    };
    answer_off_loop(settings_.loop, busy_, std::move(work), std::move(respond));
  }

  // After the members it names: an initializer here sees only what precedes it.
  static constexpr ApiRoute kApiRoutes[] = {
      {"/api/seeds", true, &Service::add_seeds},
      {"/api/pause", true, &Service::pause},
      {"/api/resume", true, &Service::pause},
      {"/api/overview", false, &Service::overview},
      {"/api/hosts", false, &Service::hosts},
      {"/api/errors", false, &Service::errors},
      {"/api/search", false, &Service::search},
      {"/api/page", false, &Service::page},
      {"/api/log", false, &Service::crawl_log},
      {"/api/origin", false, &Service::origin},
      {"/api/url", false, &Service::url_state},
      {"/api/config", false, &Service::configuration},
      {"/api/seeds/list", false, &Service::seed_list},
      {"/api/origin/pause", true, &Service::control_origin},
      {"/api/origin/resume", true, &Service::control_origin},
      {"/api/origin/block", true, &Service::control_origin},
      {"/api/origin/delay", true, &Service::control_origin},
  };

  CrawlEngine& engine_;
  const ConsoleHistory& history_;
  ServiceSettings settings_;
  std::shared_ptr<PoolReads> busy_ = std::make_shared<PoolReads>();  // the database reads
};

}  // namespace

bool is_address(std::string_view host) {
  std::string text(host);
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, text.c_str(), &v4) == 1 || inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::pair<std::string, int> split_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("--listen needs HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = std::stoi(listen.substr(colon + 1));
  if (port < 0 || port > 65535) throw std::invalid_argument("--listen port out of range");
  return {host, port};
}

async::HttpEndpoint::Handler service_handler(CrawlEngine& engine, const ConsoleHistory& history,
                                             ServiceSettings settings) {
  auto service = std::make_shared<Service>(engine, history, std::move(settings));
  return [service](const HttpRequest& request, Respond respond) {
    service->handle(request, std::move(respond));
  };
}

}  // namespace crawler
