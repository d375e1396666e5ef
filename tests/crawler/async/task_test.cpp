#include "crawler/async/task.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "crawler/async/offload.hpp"
#include "crawler/async/sleep.hpp"
#include "crawler/async/task_scope.hpp"
#include "tests/crawler/async/co_test.hpp"

namespace crawler::async {
namespace {

using namespace std::chrono_literals;

Task<int> answer() {
  co_return 42;
}

Task<int> fails() {
  throw std::runtime_error("boom");
  co_return 0;
}

Task<int> count_down(int n) {
  if (n == 0) co_return 0;
  co_return 1 + co_await count_down(n - 1);
}

CO_TEST(Task, ReturnsItsValue) {
  EXPECT_EQ(co_await answer(), 42);
}

CO_TEST(Task, PropagatesExceptionsToTheAwaiter) {
  bool caught = false;
  try {
    co_await fails();
  } catch (const std::runtime_error& e) {
    caught = std::string(e.what()) == "boom";
  }
  EXPECT_TRUE(caught);
}

// Symmetric transfer is a tail call only when g++ optimizes and no sanitizer
// instruments the frames; -O0 (dev) and ASan grow the stack per level, so the
// depth that proves the point is used in the release build.
#if defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__)
constexpr int kDeepChain = 100000;
#else
constexpr int kDeepChain = 500;
#endif

CO_TEST(Task, DeepChainsDoNotGrowTheStack) {
  EXPECT_EQ(co_await count_down(kDeepChain), kDeepChain);
}

TEST(Task, IsLazy) {
  bool started = false;
  auto body = [&]() -> Task<void> {
    started = true;
    co_return;
  };
  {
    Task<void> task = body();
    EXPECT_FALSE(started);
  }
  EXPECT_FALSE(started);
}

CO_TEST(Sleep, WaitsAtLeastTheDelay) {
  auto start = std::chrono::steady_clock::now();
  co_await sleep_for(loop.get(), 30ms);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
}

Task<void> sleep_then_count(uv_loop_t* loop, std::chrono::milliseconds delay, int& count) {
  co_await sleep_for(loop, delay);
  ++count;
}

CO_TEST(TaskScope, JoinWaitsForEverySpawnedTask) {
  TaskScope scope;
  int count = 0;
  for (int i = 0; i < 10; ++i)
    scope.spawn(sleep_then_count(loop.get(), std::chrono::milliseconds(i + 1), count));
  EXPECT_EQ(scope.active(), 10u);
  co_await scope.join();
  EXPECT_EQ(count, 10);
  EXPECT_EQ(scope.active(), 0u);
}

CO_TEST(TaskScope, JoinOfAnEmptyScopeCompletesAtOnce) {
  TaskScope scope;
  co_await scope.join();
  EXPECT_EQ(scope.active(), 0u);
}

Task<void> throw_later(uv_loop_t* loop) {
  co_await sleep_for(loop, 1ms);
  throw std::logic_error("escaped");
}

CO_TEST(TaskScope, JoinRethrowsAnEscapedException) {
  TaskScope scope;
  scope.spawn(throw_later(loop.get()));
  bool caught = false;
  try {
    co_await scope.join();
  } catch (const std::logic_error&) {
    caught = true;
  }
  EXPECT_TRUE(caught);
}

CO_TEST(Offload, RunsOnAPoolThreadAndResumesOnTheLoopThread) {
  auto loop_thread = std::this_thread::get_id();
  auto job = [] { return std::this_thread::get_id(); };
  auto worker = co_await offload(loop.get(), job);
  EXPECT_NE(worker, loop_thread);
  EXPECT_EQ(std::this_thread::get_id(), loop_thread);
}

CO_TEST(Offload, CarriesExceptionsBack) {
  auto job = []() -> int { throw std::runtime_error("in pool"); };
  bool caught = false;
  try {
    co_await offload(loop.get(), job);
  } catch (const std::runtime_error&) {
    caught = true;
  }
  EXPECT_TRUE(caught);
}

}  // namespace
}  // namespace crawler::async
