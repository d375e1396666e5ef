// Loop: see loop.hpp.
#include "crawler/async/loop.hpp"

#include <stdexcept>
#include <string>

namespace crawler::async {

Loop::Loop() {
  if (int rc = uv_loop_init(&loop_); rc != 0)
    throw std::runtime_error(std::string("uv_loop_init: ") + uv_strerror(rc));
}

Loop::~Loop() {
  if (close() == 0) return;
  // A leak is a bug that close() reports to tests; here, still release what we can.
  uv_walk(
      &loop_,
      [](uv_handle_t* h, void*) {
        if (!uv_is_closing(h)) uv_close(h, nullptr);
      },
      nullptr);
  uv_run(&loop_, UV_RUN_DEFAULT);
  uv_loop_close(&loop_);
}

int Loop::close() {
  if (closed_) return 0;
  // Close callbacks only run inside uv_run. A uv_stop() that came before the
  // loop last ran (a task that finished without suspending) makes the first
  // uv_run return at once, only clearing the flag; the second does the work.
  uv_run(&loop_, UV_RUN_NOWAIT);
  uv_run(&loop_, UV_RUN_NOWAIT);
  int rc = uv_loop_close(&loop_);
  if (rc == 0) closed_ = true;
  return rc;
}

}  // namespace crawler::async
