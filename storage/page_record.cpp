// iso8601_utc, queue_source_name, deflate_text: see page_record.hpp.
#include "storage/page_record.hpp"

#include <zlib.h>

#include <cstdio>
#include <ctime>

#include "storage/storage_error.hpp"

namespace crawler::storage {

std::string iso8601_utc(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(unix_ms % 1000));
  return text;
}

std::string_view queue_source_name(QueueSource source) {
  switch (source) {
    case QueueSource::kSeed:
      return "seed";
    case QueueSource::kLink:
      return "link";
    case QueueSource::kRedirect:
      return "redirect";
    case QueueSource::kSitemap:
      return "sitemap";
  }
  return "link";
}

std::string deflate_text(const std::string& text) {
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  std::string out(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                reinterpret_cast<const Bytef*>(text.data()), static_cast<uLong>(text.size()),
                Z_DEFAULT_COMPRESSION) != Z_OK)
    throw StorageError("cannot compress a response body", Failure::kOperation);
  out.resize(size);
  return out;
}

std::optional<std::string> inflate_text(std::string_view packed, std::size_t size) {
  std::string out(size, '\0');
  auto out_size = static_cast<uLongf>(size);
  if (size > 0 && uncompress(reinterpret_cast<Bytef*>(out.data()), &out_size,
                             reinterpret_cast<const Bytef*>(packed.data()),
                             static_cast<uLong>(packed.size())) != Z_OK)
    return std::nullopt;
  out.resize(out_size);
  return out;
}

}  // namespace crawler::storage
