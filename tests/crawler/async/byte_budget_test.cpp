#include "crawler/async/byte_budget.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "crawler/async/task_scope.hpp"
#include "crawler/async/wake_signal.hpp"
#include "tests/crawler/async/co_test.hpp"

namespace crawler::async {
namespace {

// Takes `bytes`, notes it, and holds them until `done` is notified.
Task<void> hold(ByteBudget& budget, std::size_t bytes, WakeSignal& done,
                std::vector<std::size_t>& order) {
  ByteBudget::Permit permit = co_await budget.acquire(bytes);
  order.push_back(bytes);
  co_await done.wait();
}

CO_TEST(ByteBudget, WaitersAreServedInOrderAsBytesComeBack) {
  ByteBudget budget(10);
  TaskScope scope;
  WakeSignal first, second, third;
  std::vector<std::size_t> order;
  scope.spawn(hold(budget, 6, first, order));
  scope.spawn(hold(budget, 6, second, order));  // does not fit
  scope.spawn(hold(budget, 2, third, order));   // would fit, but waits its turn
  EXPECT_EQ(order, (std::vector<std::size_t>{6}));
  EXPECT_EQ(budget.used(), 6u);
  EXPECT_EQ(budget.waiting(), 2u);

  first.notify();
  EXPECT_EQ(order, (std::vector<std::size_t>{6, 6, 2}));
  EXPECT_EQ(budget.used(), 8u);
  second.notify();
  third.notify();
  co_await scope.join();
  EXPECT_EQ(budget.used(), 0u);
}

CO_TEST(ByteBudget, ARequestLargerThanTheCapRunsAloneRatherThanNever) {
  ByteBudget budget(10);
  TaskScope scope;
  WakeSignal big_done, small_done;
  std::vector<std::size_t> order;
  scope.spawn(hold(budget, 50, big_done, order));
  scope.spawn(hold(budget, 1, small_done, order));
  EXPECT_EQ(order, (std::vector<std::size_t>{50}));
  big_done.notify();
  EXPECT_EQ(order, (std::vector<std::size_t>{50, 1}));
  small_done.notify();
  co_await scope.join();
  EXPECT_EQ(budget.used(), 0u);
}

}  // namespace
}  // namespace crawler::async
