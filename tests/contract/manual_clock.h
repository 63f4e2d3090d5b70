// A Clock that only moves when a test says so, so TTL and lease expiry can be
// tested without sleeping. Thread-safe: plugins read it from their threads
// while the test advances it.
#pragma once

#include <atomic>
#include <chrono>

#include "streamgate/clock.h"

namespace streamgate::contract {

class ManualClock final : public Clock {
 public:
  using duration = time_point::duration;

  // Starts at an arbitrary point far from the epoch, like a real steady clock.
  ManualClock() : now_(std::chrono::hours(24 * 365).count()) {}

  time_point now() const noexcept override { return time_point(duration(now_.load())); }

  void advance(std::chrono::nanoseconds by) {
    now_.fetch_add(std::chrono::duration_cast<duration>(by).count());
  }

 private:
  std::atomic<duration::rep> now_;
};

}  // namespace streamgate::contract
