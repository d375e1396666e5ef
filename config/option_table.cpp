// The option table: see option_table.hpp.
#include "config/option_table.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <type_traits>

#include "parsers/ascii.hpp"

namespace crawler::config {

namespace {

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();
constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMiB = 1 << 20;
constexpr std::array<std::string_view, 3> kScopeModes = {"host", "domain", "any"};
constexpr std::array<std::string_view, 4> kLogLevels = {"debug", "info", "warning", "error"};
constexpr std::array<std::string_view, 2> kLogFormats = {"text", "json"};
constexpr std::array<std::string_view, 3> kAutoOnOff = {"auto", "on", "off"};

using O = CrawlOptions;
using K = Kind;

const std::array kOptions = {
    Option{.key = "seeds",
           .kind = K::kString,
           .field = &O::seeds_path,
           .flag = "--seeds",
           .help = "File of seed URLs, one per line (required, here or in the config file).",
           .example = R"("seeds.txt")"},
    Option{.key = "database",
           .kind = K::kString,
           .field = &O::db_path,
           .flag = "--db",
           .help = "SQLite file to write, created if missing, or a postgresql:// URI (required, "
                   "here or in the config file).",
           .example = R"("crawl.db")"},

    Option{.key = "limits.concurrency",
           .kind = K::kInteger,
           .field = &O::concurrency,
           .min = 1,
           .max = 20000,
           .flag = "--concurrency",
           .help = "Fetches in flight over all hosts."},
    Option{.key = "limits.max_pages",
           .kind = K::kInteger,
           .field = &O::max_pages,
           .min = 1,
           .max = kMaxInt64,
           .flag = "--max-pages",
           .help = "Stop after fetching this many pages. Unset: no limit. In a fleet (crawlers "
                   "sharing a PostgreSQL database), the pages of all the crawlers running "
                   "together.",
           .example = "10000"},
    Option{.key = "limits.max_depth",
           .kind = K::kInteger,
           .field = &O::max_depth,
           .min = 0,
           .max = kMaxInt,
           .flag = "--max-depth",
           .help = "Follow links this deep; 0: the seeds only. Unset: no limit.",
           .example = "5"},
    Option{.key = "limits.frontier_memory",
           .kind = K::kInteger,
           .field = &O::frontier_memory_urls,
           .min = 100,
           .max = kMaxInt64,
           .flag = "--frontier-memory",
           .help = "Queued URLs held in memory (about 200 bytes each); the rest wait in the "
                   "database and are read back, origin by origin, as memory empties."},
    Option{.key = "limits.host_window",
           .kind = K::kInteger,
           .field = &O::host_window,
           .min = 1,
           .max = kMaxInt64,
           .flag = "--host-window",
           .help = "Queued URLs of one origin (scheme, host, port) held in memory."},
    Option{.key = "limits.seen_memory",
           .kind = K::kSize,
           .field = &O::seen_memory_mb,
           .min = 1,
           .max = 1 << 20,
           .flag = "--seen-memory",
           .help = "Memory for the test of whether a URL was seen (a bare number is MiB). Exact "
                   "up to about 5 million URLs per 64 MiB; past that a Bloom filter whose "
                   "\"perhaps seen\" answers the database settles.",
           .unit = kMiB},

    Option{.key = "politeness.per_host",
           .kind = K::kInteger,
           .field = &O::per_host,
           .min = 1,
           .max = 20000,
           .flag = "--per-host",
           .help = "Fetches in flight per origin (scheme, host, port: the unit robots.txt "
                   "applies to, so one origin's trouble never holds up another)."},
    Option{.key = "politeness.delay",
           .kind = K::kSeconds,
           .field = &O::delay_ms,
           .min = 0,
           .max = kHourMs,
           .flag = "--delay",
           .help = "Seconds between starts of fetches on one origin; 0: none."},
    Option{.key = "politeness.per_address",
           .kind = K::kInteger,
           .field = &O::per_address,
           .min = 1,
           .max = 20000,
           .flag = "--per-address",
           .help = "Fetches in flight to one server address (IP), however many names point at "
                   "it. Unset: 4, or --per-host when that is larger.",
           .example = "4"},
    Option{.key = "politeness.per_address_rate",
           .kind = K::kInteger,
           .field = &O::per_address_rate,
           .min = 1,
           .max = 100000,
           .flag = "--per-address-rate",
           .help = "Fetch starts per second to one server address (IP), evenly spaced, however "
                   "many names point at it. Unset: 4, or the rate --delay allows one origin when "
                   "that is faster; no limit with --delay 0.",
           .example = "4"},
    Option{.key = "politeness.max_crawl_delay",
           .kind = K::kSeconds,
           .field = &O::max_crawl_delay_ms,
           .min = 0,
           .max = kDayMs,
           .flag = "--max-crawl-delay",
           .help = "Cap, in seconds, on a robots.txt Crawl-delay."},
    Option{.key = "politeness.user_agent",
           .kind = K::kString,
           .field = &O::user_agent,
           .flag = "--user-agent",
           .help = "User-Agent header; its first word is the robots.txt product token."},

    Option{.key = "robots.obey",
           .kind = K::kBoolean,
           .field = &O::obey_robots,
           .flag = "--ignore-robots",
           .help = "Fetch and obey robots.txt; the flag turns it off (for sites you own).",
           .flag_sets = false},

    Option{.key = "failures.retries",
           .kind = K::kInteger,
           .field = &O::max_retries,
           .min = 0,
           .max = 100,
           .flag = "--retries",
           .help = "Further tries of a URL after a network error, a 5xx or a 429."},
    Option{.key = "failures.backoff",
           .kind = K::kSeconds,
           .field = &O::backoff_base_ms,
           .min = 0,
           .max = kDayMs,
           .flag = "--backoff",
           .help = "First back-off, in seconds, of a failing origin; it doubles on each failure.",
           .old_ms_flag = "--backoff-ms"},
    Option{.key = "failures.max_backoff",
           .kind = K::kSeconds,
           .field = &O::backoff_cap_ms,
           .min = 0,
           .max = kDayMs,
           .flag = "--max-backoff",
           .help = "Longest back-off, in seconds, of a failing origin (also caps Retry-After).",
           .old_ms_flag = "--max-backoff-ms"},
    Option{.key = "failures.robots_retry",
           .kind = K::kSeconds,
           .field = &O::robots_retry_ms,
           .min = 0,
           .max = kDayMs,
           .flag = "--robots-retry",
           .help = "Seconds before asking again for an unreachable robots.txt.",
           .old_ms_flag = "--robots-retry-ms"},
    Option{.key = "failures.grace",
           .kind = K::kSeconds,
           .field = &O::grace_ms,
           .min = 0,
           .max = kHourMs,
           .flag = "--grace",
           .help = "Seconds the fetches in flight get to finish after SIGTERM or SIGINT."},
    Option{.key = "failures.db_outage",
           .kind = K::kSeconds,
           .field = &O::db_outage_ms,
           .min = 1000,
           .max = kDayMs,
           .flag = "--db-outage",
           .help = "Seconds the database may stay out of reach (or locked by another program) "
                   "before the crawl stops with exit 1. Meanwhile fetched pages wait in memory "
                   "(a bounded backlog) and are written when it is back; nothing is half written."},

    Option{.key = "fleet.lease",
           .kind = K::kSeconds,
           .field = &O::lease_ms,
           .min = 1000,
           .max = kHourMs,
           .flag = "--lease",
           .help = "Crawlers sharing a PostgreSQL database lease hosts: seconds a lease lasts "
                   "unless renewed. A crawler that dies or is cut off loses its hosts to the "
                   "others this long after; it starts no fetch in the last third of a lease."},
    Option{.key = "fleet.hosts",
           .kind = K::kInteger,
           .field = &O::lease_hosts,
           .min = 1,
           .max = 1'000'000,
           .flag = "--lease-hosts",
           .help = "Origins one crawler of a fleet holds at once, at most. It holds about its "
                   "fair share: the origins with work divided by the live crawlers."},

    Option{.key = "transfers.connect_timeout",
           .kind = K::kSeconds,
           .field = &O::connect_timeout_ms,
           .min = 1,
           .max = kDayMs,
           .flag = "--connect-timeout",
           .help = "Connect timeout, in seconds.",
           .old_ms_flag = "--connect-timeout-ms"},
    Option{.key = "transfers.timeout",
           .kind = K::kSeconds,
           .field = &O::total_timeout_ms,
           .min = 1,
           .max = kDayMs,
           .flag = "--timeout",
           .help = "Whole-transfer timeout, in seconds.",
           .old_ms_flag = "--timeout-ms"},
    Option{.key = "transfers.parse_budget",
           .kind = K::kSeconds,
           .field = &O::parse_budget_ms,
           .min = 10,
           .max = kHourMs,
           .flag = "--parse-budget",
           .help = "CPU seconds one page's HTML parse may take; a page past it is stored with "
                   "the error parse_budget and what its first 64 KiB held."},
    Option{.key = "transfers.low_speed_bytes",
           .kind = K::kSize,
           .field = &O::low_speed_bytes,
           .min = 0,
           .max = kMaxInt64,
           .flag = "--low-speed-bytes",
           .help = "Abort a transfer slower than this many bytes per second for "
                   "low_speed_time; 0: never."},
    Option{.key = "transfers.low_speed_time",
           .kind = K::kInteger,
           .field = &O::low_speed_time_s,
           .min = 0,
           .max = 86400,
           .flag = "--low-speed-time",
           .help = "Whole seconds a transfer may stay below low_speed_bytes; 0: never abort."},
    Option{.key = "transfers.max_body_bytes",
           .kind = K::kSize,
           .field = &O::max_body_bytes,
           .min = 1,
           .max = kMaxInt64,
           .flag = "--max-body-bytes",
           .help = "Body cap (decoded); longer bodies are cut and marked truncated."},
    Option{.key = "transfers.max_redirects",
           .kind = K::kInteger,
           .field = &O::max_redirects,
           .min = 0,
           .max = 100,
           .flag = "--max-redirects",
           .help = "Redirect hops followed from one URL."},
    Option{.key = "transfers.follow_nofollow",
           .kind = K::kBoolean,
           .field = &O::follow_nofollow,
           .flag = "--follow-nofollow",
           .help = "Follow rel=nofollow links too."},
    Option{.key = "transfers.sitemaps",
           .kind = K::kBoolean,
           .field = &O::use_sitemaps,
           .flag = "--no-sitemaps",
           .help = "Read the Sitemap: lines of robots.txt (/sitemap.xml where a site has no "
                   "robots.txt); the flag turns it off.",
           .flag_sets = false},
    Option{.key = "transfers.keep_raw",
           .kind = K::kBoolean,
           .field = &O::keep_raw,
           .flag = "--keep-raw",
           .help = "Keep each page's raw request and response (body compressed) for `export "
                   "--format warc` and the console's headers."},
    Option{.key = "transfers.search_index",
           .kind = K::kBoolean,
           .field = &O::search_index,
           .flag = "--no-search-index",
           .help = "Add pages to the full-text index as they are stored (about a third of a "
                   "crawl's CPU); the flag turns it off.",
           .flag_sets = false},
    Option{.key = "transfers.resolve",
           .kind = K::kStringList,
           .field = &O::resolve,
           .flag = "--resolve",
           .help = "HOST:PORT:ADDRESS entries used instead of DNS, as curl's --resolve (the "
                   "address policy still applies).",
           .example = R"(['staging.example.com:443:192.0.2.10'])"},
    Option{.key = "transfers.dns_ttl",
           .kind = K::kSeconds,
           .field = &O::dns_ttl_ms,
           .min = 1000,
           .max = kDayMs,
           .flag = "--dns-ttl",
           .help = "Seconds a server name's address is used before the name is looked up again "
                   "(the system resolver tells no TTL); a failed lookup is kept at most 60 s."},
    Option{.key = "transfers.dns_timeout",
           .kind = K::kSeconds,
           .field = &O::dns_timeout_ms,
           .min = 100,
           .max = kHourMs,
           .flag = "--dns-timeout",
           .help = "Seconds a server name's lookup may take, the wait for a thread included "
                   "(at most two lookups hold pool threads at once); past it the name counts as "
                   "not resolving (dns_failed) and the lookup runs on, detached."},
    Option{.key = "transfers.ca_file",
           .kind = K::kString,
           .field = &O::ca_file,
           .flag = "--ca-file",
           .help = "PEM file of the certificate authorities HTTPS servers are checked against, "
                   "instead of the system's (as curl's --cacert): for a private CA. It replaces "
                   "the system's list, so add the public CAs to it to reach public sites too. A "
                   "file that cannot be read stops the crawl at start (exit 2).",
           .example = R"("/etc/ssl/private-ca.pem")"},
    Option{.key = "transfers.http2",
           .kind = K::kChoice,
           .field = &O::http2,
           .flag = "--http2",
           .help = "on: offer HTTP/2 to HTTPS servers (ALPN; one connection carries an origin's "
                   "transfers at once), HTTP/1.1 where a server declines and for http:// URLs; "
                   "off: HTTP/1.1 everywhere, for a server whose HTTP/2 misbehaves; auto: on "
                   "when --per-host is over 1, since one fetch at a time gains nothing from "
                   "HTTP/2 and its connections cost more (an idle one about 86 KB, 49 KB over "
                   "HTTP/1.1).",
           .choices = kAutoOnOff},
    Option{.key = "transfers.idle_connections",
           .kind = K::kInteger,
           .field = &O::idle_connections,
           .min = 1,
           .max = 1'000'000,
           .flag = "--idle-connections",
           .help = "Idle connections kept open for reuse, beside those in use. Unset: "
                   "--concurrency. A host's connection is kept while the host has URLs left to "
                   "fetch; a broad crawl rotating over more hosts than this keeps those of the "
                   "hosts that came first, and the others open one per fetch (saving no TLS "
                   "handshake). Each idle TLS connection holds about 50 KB (86 KB over "
                   "HTTP/2). A new connection to a host resumes its last TLS session (about "
                   "7 KB, kept for the 4,096 hosts used last), a shorter handshake.",
           .example = "4096"},

    Option{.key = "revisit.min",
           .kind = K::kSeconds,
           .field = &O::revisit_min_ms,
           .min = 10,
           .max = kMaxInt64,
           .flag = "--revisit-min",
           .help = "serve: shortest revisit interval, in seconds; a page that changes comes "
                   "back sooner."},
    Option{.key = "revisit.max",
           .kind = K::kSeconds,
           .field = &O::revisit_max_ms,
           .min = 10,
           .max = kMaxInt64,
           .flag = "--revisit-max",
           .help = "serve: longest revisit interval, in seconds; an unchanged page comes back "
                   "later."},

    Option{.key = "log.level",
           .kind = K::kChoice,
           .field = &O::log_level,
           .flag = "--log-level",
           .help = "Least severe log lines written.",
           .choices = kLogLevels},
    Option{.key = "log.format",
           .kind = K::kChoice,
           .field = &O::log_format,
           .flag = "--log-format",
           .help = "Log lines as text, or as JSON objects (time, level, msg, fields).",
           .choices = kLogFormats},

    Option{.key = "scope.mode",
           .kind = K::kChoice,
           .field = &O::scope,
           .flag = "--scope",
           .help = "Links followed: host (a seed's host), domain (a seed's registrable domain) "
                   "or any.",
           .choices = kScopeModes},
    Option{.key = "scope.include",
           .kind = K::kStringList,
           .field = &O::include,
           .flag = "--include",
           .help = "RE2 patterns; when given, only URLs matching one of them are followed.",
           .example = R"(['^https://example\.com/docs/'])"},
    Option{.key = "scope.exclude",
           .kind = K::kStringList,
           .field = &O::exclude,
           .flag = "--exclude",
           .help = "RE2 patterns; URLs matching one of them are never followed.",
           .example = R"(['\.pdf$', '/calendar/'])"},
    Option{.key = "scope.max_url_length",
           .kind = K::kInteger,
           .field = &O::max_url_length,
           .min = 1,
           .max = kMaxInt64,
           .flag = "--max-url-length",
           .help = "Longest URL followed, in bytes."},
    Option{.key = "scope.max_repeated_segments",
           .kind = K::kInteger,
           .field = &O::max_repeated_segments,
           .min = 1,
           .max = kMaxInt,
           .flag = "--max-repeated-segments",
           .help = "Times one path segment may repeat in a URL."},
    Option{.key = "scope.max_path_depth",
           .kind = K::kInteger,
           .field = &O::max_path_depth,
           .min = 1,
           .max = kMaxInt,
           .flag = "--max-path-depth",
           .help = "Path segments in a URL."},
    Option{.key = "scope.max_query_params",
           .kind = K::kInteger,
           .field = &O::max_query_params,
           .min = 1,
           .max = kMaxInt,
           .flag = "--max-query-params",
           .help = "Query parameters in a URL."},
    Option{.key = "scope.max_pages_per_host",
           .kind = K::kInteger,
           .field = &O::max_pages_per_host,
           .min = 1,
           .max = kMaxInt64,
           .flag = "--max-pages-per-host",
           .help = "Pages fetched from one host at most."},
    Option{.key = "scope.max_links_per_page",
           .kind = K::kInteger,
           .field = &O::max_links_per_page,
           .min = 1,
           .max = kMaxInt64,
           .flag = "--max-links-per-page",
           .help = "Links kept from one page; the rest are counted, not stored or followed."},
    Option{.key = "scope.allow_address",
           .kind = K::kStringList,
           .field = &O::allow_addresses,
           .flag = "--allow-address",
           .help = "Non-public address ranges (CIDR) the crawler may reach besides seeds given "
                   "by address.",
           .example = R"(['10.0.0.0/8'])"},

    Option{.key = "serve.listen",
           .kind = K::kString,
           .field = &O::listen,
           .flag = "--listen",
           .help = "HOST:PORT of the web console, /healthz, /metrics and /status (port 0: any).",
           .commands = Commands::kServe},
    Option{.key = "serve.console_token",
           .kind = K::kString,
           .field = &O::console_token,
           .flag = "--console-token",
           .help = "Token the console's actions need; required to listen off loopback (prefer "
                   "the file or the environment: flags show in ps).",
           .example = R"("a long random string")",
           .commands = Commands::kServe},
    Option{.key = "serve.console_token_reads",
           .kind = K::kBoolean,
           .field = &O::console_token_reads,
           .flag = "--console-token-reads",
           .help = "The console's views and API reads need the token too.",
           .commands = Commands::kServe},
};

constexpr std::array kSections = {
    Section{"limits", "How much to crawl."},
    Section{"politeness", "How hard to press one origin."},
    Section{"robots", "Whether robots.txt is fetched and obeyed."},
    Section{"failures", "Retries, back-off and shutdown."},
    Section{"transfers", "One HTTP transfer."},
    Section{"revisit", "serve: when stored pages are fetched again."},
    Section{"log", "What the crawler says on stderr, and how."},
    Section{"scope", "Which links are followed, and limits against URL traps."},
    Section{"serve", "serve: the web console and HTTP endpoint."},
};

// Milliseconds as decimal seconds: 1000 -> "1.0", 250 -> "0.25".
std::string seconds_text(std::int64_t ms) {
  std::string text = std::to_string(ms / 1000) + ".";
  std::string frac = std::to_string(1000 + ms % 1000).substr(1);
  while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
  return text + frac;
}

std::string bound_text(const Option& option, std::int64_t bound) {
  if (option.kind == Kind::kSeconds) return seconds_text(bound);
  if (option.kind == Kind::kSize && option.unit == kMiB) return std::to_string(bound) + "MiB";
  return std::to_string(bound);
}

// "a, b\,c" -> {"a", "b,c"}; blank items are dropped.
std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::string item;
  auto flush = [&] {
    std::string trimmed(parsers::trim_ascii_space(item));
    if (!trimmed.empty()) items.push_back(std::move(trimmed));
    item.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == ',') {
      item += ',';
      ++i;
    } else if (text[i] == ',') {
      flush();
    } else {
      item += text[i];
    }
  }
  flush();
  return items;
}

std::string check_range(const Option& option, double value_in_unit, std::string_view shown) {
  // 2^63 itself rounds to max as a double but does not fit in the field.
  constexpr double kTooBig = 9223372036854775808.0;
  if (value_in_unit >= static_cast<double>(option.min) &&
      value_in_unit <= static_cast<double>(option.max) && value_in_unit < kTooBig)
    return {};
  return std::string(shown) + " is out of range (" + range_text(option) + ")";
}

// "10MiB", "512 KiB", "2GB", "4096": a size in bytes; empty when not one.
std::optional<double> size_bytes(std::string_view text, std::int64_t bare_unit) {
  double number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || number < 0) return std::nullopt;
  const std::string suffix = parsers::ascii_lowercase(
      parsers::trim_ascii_space(std::string_view(end, text.data() + text.size() - end)));
  static constexpr std::pair<std::string_view, double> kSuffixes[] = {
      {"b", 1},         {"kb", 1e3},        {"mb", 1e6},           {"gb", 1e9},
      {"kib", 1024.0},  {"mib", 1048576.0}, {"gib", 1073741824.0}, {"k", 1024.0},
      {"m", 1048576.0}, {"g", 1073741824.0}};
  if (suffix.empty()) return number * static_cast<double>(bare_unit);
  for (const auto& [name, factor] : kSuffixes)
    if (suffix == name) return number * factor;
  return std::nullopt;
}

}  // namespace

std::span<const Option> options_table() {
  return kOptions;
}

std::span<const Section> sections_table() {
  return kSections;
}

const Option* find_option(std::string_view key) {
  for (const Option& option : kOptions)
    if (option.key == key) return &option;
  return nullptr;
}

std::string_view type_name(Kind kind) {
  switch (kind) {
    case Kind::kBoolean:
      return "boolean";
    case Kind::kInteger:
      return "integer";
    case Kind::kSeconds:
      return "seconds";
    case Kind::kSize:
      return "size";
    case Kind::kString:
    case Kind::kChoice:
      return "string";
    case Kind::kStringList:
      return "array of strings";
  }
  return "?";
}

std::string_view expected_text(Kind kind) {
  switch (kind) {
    case Kind::kBoolean:
      return "a boolean";
    case Kind::kInteger:
      return "an integer";
    case Kind::kSeconds:
      return "a number (seconds)";
    case Kind::kSize:
      return "a size (a number, or a string such as \"10MiB\")";
    case Kind::kString:
    case Kind::kChoice:
      return "a string";
    case Kind::kStringList:
      return "an array of strings";
  }
  return "?";
}

std::string range_text(const Option& option) {
  if (option.kind != Kind::kInteger && option.kind != Kind::kSeconds && option.kind != Kind::kSize)
    return {};
  if (option.max == kMaxInt64 || option.max == kMaxInt)
    return "at least " + bound_text(option, option.min);
  return bound_text(option, option.min) + ".." + bound_text(option, option.max);
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04X", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

Checked check_integer(const Option& option, std::int64_t value) {
  if (option.kind == Kind::kSize) {
    std::string shown = std::to_string(value);
    return {value, check_range(option, static_cast<double>(value), shown)};
  }
  return {value, check_range(option, static_cast<double>(value), std::to_string(value))};
}

Checked check_seconds(const Option& option, double seconds, std::string_view shown) {
  double ms = seconds * 1000.0;
  std::string problem = check_range(option, ms, shown);
  if (!problem.empty()) return {Value{}, problem};
  return {static_cast<std::int64_t>(std::llround(ms)), {}};
}

Checked check_string(const Option& option, std::string text) {
  if (option.kind == Kind::kChoice) {
    if (std::find(option.choices.begin(), option.choices.end(), text) != option.choices.end())
      return {std::move(text), {}};
    std::string list;
    for (std::string_view choice : option.choices)
      list += (list.empty() ? "" : ", ") + quote(choice);
    return {Value{}, "expected one of " + list + ", got " + quote(text)};
  }
  if (option.kind == Kind::kSize) {
    auto bytes = size_bytes(text, option.unit);
    if (!bytes)
      return {Value{},
              "expected " + std::string(expected_text(option.kind)) + ", got " + quote(text)};
    double in_unit = std::floor(*bytes / static_cast<double>(option.unit));
    std::string problem = check_range(option, in_unit, text);
    if (!problem.empty()) return {Value{}, problem};
    return {static_cast<std::int64_t>(in_unit), {}};
  }
  if (text.empty()) return {Value{}, "expected a non-empty string"};
  return {std::move(text), {}};
}

Checked check_text(const Option& option, const std::string& raw) {
  std::string text(parsers::trim_ascii_space(raw));
  auto got = [&] {
    return Checked{Value{},
                   "expected " + std::string(expected_text(option.kind)) + ", got " + quote(raw)};
  };
  switch (option.kind) {
    case Kind::kBoolean: {
      const std::string word = parsers::ascii_lowercase(text);
      if (word == "true" || word == "1") return {true, {}};
      if (word == "false" || word == "0") return {false, {}};
      return {Value{}, "expected true, false, 1 or 0, got " + quote(raw)};
    }
    case Kind::kInteger: {
      std::int64_t v = 0;
      const char* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(text.data(), end, v);
      if (ec == std::errc::result_out_of_range)
        return {Value{}, text + " is out of range (" + range_text(option) + ")"};
      if (ec != std::errc() || ptr != end) return got();
      return check_integer(option, v);
    }
    case Kind::kSeconds: {
      double v = 0;
      const char* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(text.data(), end, v);
      if (ec != std::errc() || ptr != end) return got();
      return check_seconds(option, v, text);
    }
    case Kind::kSize:
    case Kind::kChoice:
      return check_string(option, text);
    case Kind::kString:
      return check_string(option, raw);
    case Kind::kStringList:
      return {split_list(raw), {}};
  }
  return got();
}

void assign(const Option& option, const Value& value, CrawlOptions& options) {
  std::visit(
      [&](auto member) {
        auto& field = options.*member;
        using F = std::remove_reference_t<decltype(field)>;
        if constexpr (std::is_same_v<F, bool> || std::is_same_v<F, std::string> ||
                      std::is_same_v<F, std::vector<std::string>>) {
          field = std::get<F>(value);
        } else if constexpr (std::is_integral_v<F>) {
          field = static_cast<F>(std::get<std::int64_t>(value));
        } else {
          field = static_cast<typename F::value_type>(std::get<std::int64_t>(value));
        }
      },
      option.field);
}

std::optional<std::string> toml_text(const Option& option, const CrawlOptions& options) {
  return std::visit(
      [&](auto member) -> std::optional<std::string> {
        const auto& field = options.*member;
        using F = std::remove_cvref_t<decltype(field)>;
        if constexpr (std::is_same_v<F, bool>) {
          return field ? "true" : "false";
        } else if constexpr (std::is_same_v<F, std::string>) {
          if (field.empty()) return std::nullopt;
          return quote(field);
        } else if constexpr (std::is_same_v<F, std::vector<std::string>>) {
          std::string text = "[";
          for (const std::string& item : field) text += (text.size() > 1 ? ", " : "") + quote(item);
          return text + "]";
        } else if constexpr (std::is_integral_v<F>) {
          if (option.kind == Kind::kSeconds) return seconds_text(static_cast<std::int64_t>(field));
          return std::to_string(field);
        } else {
          if (!field) return std::nullopt;
          return std::to_string(*field);
        }
      },
      option.field);
}

std::vector<OptionSource> option_sources(const CrawlOptions& defaults,
                                         const CrawlOptions& after_file,
                                         const CrawlOptions& effective,
                                         const std::function<bool(const Option&)>& flag_given,
                                         const std::function<const char*(const char*)>& env) {
  std::vector<OptionSource> sources;
  for (const Option& option : options_table()) {
    std::string source = "default";
    const char* variable = env(environment_variable(option.key).c_str());
    if (flag_given(option)) {
      source = "flag";
    } else if (variable && *variable) {
      source = "environment";
    } else if (toml_text(option, after_file) != toml_text(option, defaults)) {
      source = "file";
    }
    sources.push_back({std::string(option.key), toml_text(option, effective).value_or(""), source});
  }
  return sources;
}

std::string environment_variable(std::string_view key) {
  std::string name = "CRAWLER_";
  for (char c : key) name += c == '.' ? '_' : parsers::ascii_upper(c);
  return name;
}

std::string reference_markdown() {
  const CrawlOptions defaults;
  std::string out;
  std::string_view section = "-";
  for (const Option& option : kOptions) {
    auto dot = option.key.find('.');
    std::string_view name = dot == std::string_view::npos ? "" : option.key.substr(0, dot);
    if (name != section) {
      section = name;
      if (name.empty()) {
        out += "### Top level\n\n";
      } else {
        std::string_view title;
        for (const Section& s : kSections)
          if (s.name == name) title = s.title;
        out += "\n### `[" + std::string(name) + "]`: " + std::string(title) + "\n\n";
      }
      out += "| key | type | default | range | flag | environment | meaning |\n";
      out += "|---|---|---|---|---|---|---|\n";
    }
    auto value = toml_text(option, defaults);
    std::string shown = value ? "`" + *value + "`" : "unset";
    std::string flag = "`" + std::string(option.flag) + "`";
    if (option.kind == Kind::kStringList) flag += " (repeatable)";
    if (option.kind == Kind::kBoolean)
      flag += std::string(" (sets ") + (option.flag_sets ? "true" : "false") + ")";
    if (!option.old_ms_flag.empty())
      flag += "; `" + std::string(option.old_ms_flag) + "` (ms, deprecated)";
    if (option.commands == Commands::kServe) flag += ", serve only";
    std::string range = range_text(option);
    if (option.kind == Kind::kChoice) {
      for (std::string_view choice : option.choices)
        range += (range.empty() ? "" : ", ") + std::string("`") + std::string(choice) + "`";
    }
    std::string help(option.help);
    for (std::size_t at = 0; (at = help.find('|', at)) != std::string::npos; at += 2)
      help.replace(at, 1, "\\|");
    out += "| `" + std::string(option.key) + "` | " + std::string(type_name(option.kind)) + " | " +
           shown + " | " + range + " | " + flag + " | `" + environment_variable(option.key) +
           "` | " + help + " |\n";
  }
  return out;
}

}  // namespace crawler::config
