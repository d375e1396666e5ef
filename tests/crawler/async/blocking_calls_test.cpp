#include "crawler/async/blocking_calls.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "crawler/async/offload.hpp"
#include "crawler/async/sleep.hpp"
#include "crawler/async/task_scope.hpp"
#include "tests/crawler/async/co_test.hpp"

namespace crawler::async {
namespace {

using namespace std::chrono_literals;

// What a dead name server is to getaddrinfo: a call that blocks until the
// test lets it go (or, bounded, for 10 s: then `held_too_long`).
struct Gate {
  std::mutex mutex;
  std::condition_variable opened;
  bool open = false;
  bool held_too_long = false;
  std::atomic<int> started{0};
  std::atomic<int> inside{0};
  std::atomic<int> most_inside{0};

  int hold() {
    ++started;
    int now = ++inside;
    for (int seen = most_inside; seen < now && !most_inside.compare_exchange_weak(seen, now);) {
    }
    std::unique_lock lock(mutex);
    if (!opened.wait_for(lock, 10s, [this] { return open; })) held_too_long = true;
    --inside;
    return 1;
  }
  void release() {
    {
      std::lock_guard lock(mutex);
      open = true;
    }
    opened.notify_all();
  }
};

Task<void> wait_until_idle(Loop& loop, BlockingCalls<int>& calls) {
  for (int i = 0; i < 2000 && calls.running() > 0; ++i) co_await sleep_for(loop.get(), 5ms);
}

CO_TEST(BlockingCalls, ACallPastItsDeadlineIsGivenUpAndRunsOnHoldingItsThread) {
  BlockingCalls<int> calls(loop.get(), 2, 50ms);
  auto quick = calls.call([] { return 7; });
  EXPECT_EQ(co_await quick, std::optional<int>(7));

  auto gate = std::make_shared<Gate>();
  auto start = std::chrono::steady_clock::now();
  auto stuck = calls.call([gate] { return gate->hold(); });
  EXPECT_EQ(co_await stuck, std::nullopt) << "given up at the deadline";
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(calls.running(), 1u) << "the call still holds its thread";

  gate->release();
  co_await wait_until_idle(loop, calls);
  EXPECT_EQ(calls.running(), 0u);
  EXPECT_FALSE(gate->held_too_long);
}

Task<void> wait_for_call(BlockingCalls<int>& calls, std::shared_ptr<Gate> gate, int& given_up) {
  auto call = calls.call([gate] { return gate->hold(); });
  if (!co_await call) ++given_up;
}

// Four calls stuck at once, two allowed: two hold pool threads, two never
// start, and the pool's other threads keep doing the crawl's work.
CO_TEST(BlockingCalls, AtMostMaxRunningHoldAPoolThreadAndThePoolWorksOn) {
  BlockingCalls<int> calls(loop.get(), 2, 100ms);
  auto gate = std::make_shared<Gate>();
  int given_up = 0;
  TaskScope waiters;
  for (int i = 0; i < 4; ++i) waiters.spawn(wait_for_call(calls, gate, given_up));

  auto work = [] { return 42; };  // a parse, say
  EXPECT_EQ(co_await offload(loop.get(), work), 42);
  EXPECT_FALSE(gate->held_too_long) << "the ordinary work waited for the stuck calls";

  co_await waiters.join();
  EXPECT_EQ(given_up, 4);
  EXPECT_EQ(gate->started.load(), 2) << "the two queued past their deadline never started";
  EXPECT_EQ(gate->most_inside.load(), 2);
  EXPECT_EQ(calls.running(), 2u);

  gate->release();
  co_await wait_until_idle(loop, calls);
  EXPECT_EQ(gate->started.load(), 2);
}

// The BlockingCalls may go (the crawl ended) while a call it gave up on runs.
TEST(BlockingCalls, ACallGivenUpOutlivesItsOwner) {
  Loop loop;
  auto gate = std::make_shared<Gate>();
  {
    auto calls = std::make_unique<BlockingCalls<int>>(loop.get(), 1, 20ms);
    auto give_up = [&]() -> Task<void> {
      auto call = calls->call([gate] { return gate->hold(); });
      EXPECT_EQ(co_await call, std::nullopt);
    };
    run_until_done(loop, give_up());
  }
  gate->release();
  loop.run();  // the call's end, with nothing of its owner left
  EXPECT_EQ(loop.close(), 0);
  EXPECT_FALSE(gate->held_too_long);
}

}  // namespace
}  // namespace crawler::async
