#include "streamgate/backoff.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <vector>

namespace streamgate {
namespace {

using std::chrono::milliseconds;

// min(cap, initial * 2^n) without overflowing.
milliseconds ceilingFor(milliseconds initial, milliseconds cap, std::uint32_t n) {
  std::int64_t ceiling = std::max<std::int64_t>(initial.count(), 1);
  for (std::uint32_t i = 0; i < n && ceiling < cap.count(); ++i) {
    ceiling = ceiling > cap.count() / 2 ? cap.count() : ceiling * 2;
  }
  return milliseconds(std::min(ceiling, cap.count()));
}

// The delays of `calls` consecutive failures, checked against the documented
// window [initial/2, min(cap, initial * 2^n)] on the way.
std::vector<milliseconds> delays(Backoff& backoff, milliseconds initial, milliseconds cap, int calls) {
  std::vector<milliseconds> result;
  for (int i = 0; i < calls; ++i) {
    const std::uint32_t n = backoff.attempts();
    const milliseconds delay = backoff.next();
    EXPECT_EQ(backoff.attempts(), n + 1);
    EXPECT_GE(delay, initial / 2) << "attempt " << n;
    EXPECT_LE(delay, ceilingFor(initial, cap, n)) << "attempt " << n;
    result.push_back(delay);
  }
  return result;
}

TEST(BackoffTest, DelaysStayWithinTheirWindow) {
  for (int trial = 0; trial < 50; ++trial) {
    Backoff backoff(milliseconds(100), milliseconds(5000));
    const auto got = delays(backoff, milliseconds(100), milliseconds(5000), 40);
    EXPECT_LE(got[0], milliseconds(100)) << "the first retry waits at most `initial`";
    EXPECT_LE(got[1], milliseconds(200));
    EXPECT_LE(got[2], milliseconds(400));
  }
}

// Over many independent backoffs the largest n-th delay approaches that
// attempt's ceiling: 100, 200, 400, 800, then the cap, 1600, for good.
TEST(BackoffTest, CeilingDoublesThenSaturatesAtTheCap) {
  constexpr int kTrials = 500;
  constexpr int kAttempts = 8;
  const milliseconds initial(100), cap(1600);
  std::vector<milliseconds> largest(kAttempts, milliseconds(0));
  for (int trial = 0; trial < kTrials; ++trial) {
    Backoff backoff(initial, cap);
    const auto got = delays(backoff, initial, cap, kAttempts);
    for (int n = 0; n < kAttempts; ++n) largest[n] = std::max(largest[n], got[n]);
  }
  const std::vector<std::int64_t> ceilings{100, 200, 400, 800, 1600, 1600, 1600, 1600};
  for (int n = 0; n < kAttempts; ++n) {
    EXPECT_LE(largest[n].count(), ceilings[n]) << "attempt " << n;
    EXPECT_GT(largest[n].count(), ceilings[n] * 9 / 10) << "attempt " << n << " never came near its ceiling";
  }
}

TEST(BackoffTest, ResetStartsFromInitialAgain) {
  for (int trial = 0; trial < 200; ++trial) {
    Backoff backoff(milliseconds(100), std::chrono::seconds(100));
    for (int i = 0; i < 12; ++i) (void)backoff.next();
    ASSERT_EQ(backoff.attempts(), 12u);
    backoff.reset();
    EXPECT_EQ(backoff.attempts(), 0u);
    const auto first = backoff.next();
    EXPECT_GE(first, milliseconds(50));
    EXPECT_LE(first, milliseconds(100));
    const auto second = backoff.next();
    EXPECT_GE(second, milliseconds(50));
    EXPECT_LE(second, milliseconds(200));
    EXPECT_EQ(backoff.attempts(), 2u);
  }
}

TEST(BackoffTest, HundredAttemptsDoNotOverflow) {
  for (const auto& [initial, cap] :
       {std::pair{milliseconds(1), milliseconds::max()}, std::pair{milliseconds(1000), milliseconds(30000)},
        std::pair{milliseconds(std::chrono::hours(24)), milliseconds(std::chrono::hours(24 * 7))}}) {
    Backoff backoff(initial, cap);
    const auto got = delays(backoff, initial, cap, 100);
    EXPECT_EQ(backoff.attempts(), 100u);
    for (const auto delay : got) ASSERT_GE(delay.count(), 0) << "overflowed for initial " << initial.count();
  }
}

// The ceiling keeps doubling until it meets the cap, however small the first
// delay: 1ms needs 22 doublings to pass an hour.
TEST(BackoffTest, SmallInitialStillReachesALargeCap) {
  const milliseconds initial(1), cap(std::chrono::hours(1));
  Backoff backoff(initial, cap);
  const auto got = delays(backoff, initial, cap, 100);
  const auto largest = *std::max_element(got.begin() + 30, got.end());
  EXPECT_GT(largest, cap / 2) << "70 draws from [0, 1h] all stayed at or below " << largest.count() << "ms";
}

TEST(BackoffTest, ZeroInitialIsClampedToOneMillisecond) {
  {
    Backoff backoff(milliseconds(0), milliseconds(0));
    bool sawOne = false;
    for (int i = 0; i < 64; ++i) {
      const auto delay = backoff.next();
      EXPECT_GE(delay, milliseconds(0));
      EXPECT_LE(delay, milliseconds(1)) << "the cap is raised to the clamped initial, no further";
      sawOne = sawOne || delay == milliseconds(1);
    }
    EXPECT_TRUE(sawOne) << "64 delays of a 1ms backoff were all 0ms";
  }
  for (const milliseconds initial : {milliseconds(0), milliseconds(-5)}) {
    Backoff backoff(initial, milliseconds(10000));
    // Checked as a 1ms backoff: the window doubles from 1ms.
    const auto got = delays(backoff, milliseconds(1), milliseconds(10000), 100);
    const auto largest = *std::max_element(got.begin() + 20, got.end());
    EXPECT_GT(largest, milliseconds(5000)) << "initial " << initial.count() << "ms never grew";
  }
}

}  // namespace
}  // namespace streamgate
