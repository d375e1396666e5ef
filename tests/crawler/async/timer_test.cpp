#include "crawler/async/timer.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include "crawler/async/sleep.hpp"
#include "tests/crawler/async/co_test.hpp"

namespace crawler::async {
namespace {

using namespace std::chrono_literals;

CO_TEST(Timer, FiresOnceOrRepeatsUntilStopped) {
  int once = 0, repeated = 0;
  Timer single(loop.get(), [&] { ++once; });
  Timer repeating(loop.get(), [&] { ++repeated; });
  single.start(5ms);
  repeating.start(5ms, 5ms);
  // Waits for the events, not for a window a loaded machine might miss.
  for (int i = 0; i < 1000 && repeated < 3; ++i) co_await sleep_for(loop.get(), 5ms);
  EXPECT_EQ(once, 1);
  EXPECT_GE(repeated, 3);
  repeating.stop();
  int stopped_at = repeated;
  co_await sleep_for(loop.get(), 30ms);
  EXPECT_EQ(repeated, stopped_at);
}

TEST(Timer, AnUnreferencedTimerDoesNotKeepTheLoopRunning) {
  Loop loop;
  int fired = 0;
  {
    Timer timer(loop.get(), [&] { ++fired; });
    timer.start(10'000ms, 10'000ms);
    timer.unref();
    uv_run(loop.get(), UV_RUN_DEFAULT);  // returns at once: nothing else is alive
  }
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(loop.close(), 0);
}

CO_TEST(SignalWatch, CallsItsFunctionOnTheLoopForEachSignal) {
  int seen = 0;
  SignalWatch watch(loop.get(), SIGUSR1, [&] { ++seen; });
  std::raise(SIGUSR1);
  for (int i = 0; i < 1000 && seen < 1; ++i) co_await sleep_for(loop.get(), 5ms);
  EXPECT_EQ(seen, 1);
  std::raise(SIGUSR1);
  for (int i = 0; i < 1000 && seen < 2; ++i) co_await sleep_for(loop.get(), 5ms);
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace crawler::async
