// The console's own files (index.html, console.js, console.css, chart.js),
// embedded in the binary, as `serve` sends them: with a strict Content
// Security Policy, gzipped for a browser that takes it, and revalidated by
// ETag. Chart.js (200 KB) is kept a day without asking; the console's own
// files are asked about each time, so a new binary's console shows at once.
#pragma once

#include <optional>

#include "crawler/async/http_endpoint.hpp"

namespace crawler {

/// The reply for a console file, 304 when the browser's copy is current;
/// empty when `request.path` names none.
std::optional<async::HttpReply> console_file(const async::HttpRequest& request);

}  // namespace crawler
