#include "crawler/async/worker_thread.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

#include "crawler/async/task_scope.hpp"
#include "tests/crawler/async/co_test.hpp"

namespace crawler::async {
namespace {

// Jobs run off the loop thread, one at a time in the order given, and each
// awaiter resumes on the loop thread with its own job's result.
CO_TEST(WorkerThread, JobsRunInOrderOffTheLoopThreadAndResumeOnIt) {
  WorkerThread worker(loop.get());
  std::thread::id loop_thread = std::this_thread::get_id();
  std::vector<int> order;  // written by the worker only, read after all resumed
  TaskScope scope;
  std::vector<int> results(5, -1);
  for (int i = 0; i < 5; ++i) {
    scope.spawn([](WorkerThread& worker, std::vector<int>& order, std::vector<int>& results,
                   std::thread::id loop_thread, int i) -> Task<void> {
      auto job = [&order, loop_thread, i] {
        EXPECT_NE(std::this_thread::get_id(), loop_thread);
        order.push_back(i);
        return i * 10;
      };
      results[i] = co_await worker.run(job);
      EXPECT_EQ(std::this_thread::get_id(), loop_thread);
    }(worker, order, results, loop_thread, i));
  }
  co_await scope.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(results, (std::vector<int>{0, 10, 20, 30, 40}));
}

CO_TEST(WorkerThread, AJobsExceptionIsThrownToItsAwaiter) {
  WorkerThread worker(loop.get());
  auto job = []() -> int { throw std::runtime_error("disk full"); };
  bool thrown = false;
  try {
    (void)co_await worker.run(job);
  } catch (const std::runtime_error& e) {
    thrown = std::string(e.what()) == "disk full";
  }
  EXPECT_TRUE(thrown);
  auto after = [] { return 1; };
  EXPECT_EQ(co_await worker.run(after), 1) << "the worker goes on after a failed job";
}

}  // namespace
}  // namespace crawler::async
