// CO_TEST: a GoogleTest case whose body is a coroutine run on a fresh loop.
// After the body ends the loop must close cleanly: a handle left open fails
// the test. Inside the body use EXPECT_*, not ASSERT_* (ASSERT returns, and a
// coroutine must co_return).
#pragma once

#include <gtest/gtest.h>

#include "crawler/async/loop.hpp"
#include "crawler/async/run.hpp"
#include "crawler/async/task.hpp"

#define CO_TEST(suite, name)                                                        \
  ::crawler::async::Task<void> suite##_##name##_body(::crawler::async::Loop& loop); \
  TEST(suite, name) {                                                               \
    ::crawler::async::Loop loop;                                                    \
    ::crawler::async::run_until_done(loop, suite##_##name##_body(loop));            \
    EXPECT_EQ(loop.close(), 0) << "a libuv handle was left open";                   \
  }                                                                                 \
  ::crawler::async::Task<void> suite##_##name##_body([[maybe_unused]] ::crawler::async::Loop& loop)
