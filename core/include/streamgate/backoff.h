// Capped exponential backoff with full jitter, for plugins that reconnect:
// the n-th consecutive failure waits a random time in [initial/2, min(cap,
// initial * 2^n)], so a fleet of nodes that lost the same server does not
// come back in lock-step.
//
// Not thread-safe: one Backoff per reconnecting loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace streamgate {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap);

  // The delay before the next attempt; each call doubles the ceiling.
  std::chrono::milliseconds next();
  // After a success: the next failure starts from `initial` again.
  void reset() noexcept { attempt_ = 0; }
  std::uint32_t attempts() const noexcept { return attempt_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds cap_;
  std::uint32_t attempt_ = 0;
  std::minstd_rand random_;
};

}  // namespace streamgate
