// WarcWriter: see warc_writer.hpp.
#include "crawler/commands/warc_writer.hpp"

#include <cstdio>
#include <sstream>

#include "parsers/ascii.hpp"

namespace crawler {

namespace {

bool header_named(std::string_view line, std::string_view name) {
  return line.size() > name.size() && line[name.size()] == ':' &&
         parsers::ascii_istarts_with(line, name);
}

// "2026-11-27T04:00:00.123Z" -> "2026-11-27T04:00:00Z" (WARC-Date needs no fraction).
std::string warc_date(const std::string& iso) {
  auto dot = iso.find('.');
  return dot == std::string::npos ? iso : iso.substr(0, dot) + "Z";
}

}  // namespace

std::string decoded_response_head(const std::string& head, std::size_t body_size) {
  std::istringstream lines(head);
  std::string out;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (header_named(line, "content-encoding") || header_named(line, "transfer-encoding") ||
        header_named(line, "content-length"))
      continue;
    out += line + "\r\n";
  }
  return out + "Content-Length: " + std::to_string(body_size) + "\r\n\r\n";
}

WarcWriter::WarcWriter(std::ostream& out) : out_(out), random_(std::random_device{}()) {}

std::string WarcWriter::record_id() {
  std::uint64_t high = random_(), low = random_();
  high = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;    // variant 1
  char text[64];
  std::snprintf(text, sizeof text, "<urn:uuid:%08x-%04x-%04x-%04x-%012llx>",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xffff),
                static_cast<unsigned>(high & 0xffff), static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

void WarcWriter::record(const std::string& type, const std::string& headers,
                        const std::string& block) {
  out_ << "WARC/1.1\r\nWARC-Type: " << type << "\r\n"
       << headers << "Content-Length: " << block.size() << "\r\n\r\n"
       << block << "\r\n\r\n";
}

void WarcWriter::warcinfo(const std::string& software, const std::string& database) {
  std::string block = "software: " + software + "\r\nformat: WARC File Format 1.1\r\n" +
                      "description: pages crawled into " + database + "\r\n";
  record("warcinfo",
         "WARC-Record-ID: " + record_id() + "\r\nContent-Type: application/warc-fields\r\n", block);
}

void WarcWriter::exchange(const storage::ExportedExchange& e) {
  std::string date = warc_date(e.fetched_at);
  std::string response_id = record_id();
  std::string common = "WARC-Date: " + date + "\r\nWARC-Target-URI: " + e.url + "\r\n";
  record("response",
         "WARC-Record-ID: " + response_id + "\r\n" + common +
             "Content-Type: application/http; msgtype=response\r\n",
         decoded_response_head(e.head, e.body.size()) + e.body);
  if (!e.request.empty()) {
    record("request",
           "WARC-Record-ID: " + record_id() + "\r\n" + common + "WARC-Concurrent-To: " +
               response_id + "\r\nContent-Type: application/http; msgtype=request\r\n",
           e.request);
  }
}

}  // namespace crawler
