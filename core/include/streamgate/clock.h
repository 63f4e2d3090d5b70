// Time source for TTLs and lease expiry.
//
// Backends that keep time themselves (the memory plugin) read it through this
// interface so tests can move time forward without sleeping. Implementations
// must be thread-safe; now() never blocks.
#pragma once

#include <chrono>
#include <memory>

namespace streamgate {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  virtual time_point now() const noexcept = 0;
};

// The process-wide monotonic clock.
std::shared_ptr<const Clock> steadyClock();

}  // namespace streamgate
