// Loop: owns one uv_loop_t. Its destructor runs the loop until every close
// callback has run, then closes it; close() reports uv_loop_close's result so
// tests can assert that no handle was left open (UV_EBUSY otherwise).
#pragma once

#include <uv.h>

namespace crawler::async {

class Loop {
 public:
  Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;
  ~Loop();

  uv_loop_t* get() { return &loop_; }

  /// Runs until there is nothing left to do.
  void run() { uv_run(&loop_, UV_RUN_DEFAULT); }

  /// Lets pending close callbacks run, then closes the loop. Returns 0 or UV_EBUSY.
  int close();

 private:
  uv_loop_t loop_;
  bool closed_ = false;
};

}  // namespace crawler::async
