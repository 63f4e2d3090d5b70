// The circuit breaker in front of one Redis deployment, shared by every
// connection of a plugin instance.
//
//   closed     commands go through; connections (re)connect at once.
//   open       after `failures` consecutive connection failures: every
//              command fails at once with kUnavailable instead of queueing
//              behind a dead server, until the retry time.
//   half-open  at the retry time exactly one connection attempt (the probe)
//              is let through: success closes the circuit, failure opens it
//              again for a longer time (capped exponential backoff, jitter).
//
// Thread-safe. State changes are logged once each, not per command.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "streamgate/backoff.h"
#include "streamgate/logger.h"
#include "streamgate/status.h"

namespace streamgate::redis {

class CircuitBreaker {
 public:
  CircuitBreaker(std::string server, int failures, std::chrono::milliseconds retryInitial,
                 std::chrono::milliseconds retryMax, std::shared_ptr<Logger> logger);

  // ok while closed, else the kUnavailable a command fails with.
  Status admit() const;
  // The kUnavailable to fail waiting work with: never ok, even if a probe
  // closed the circuit a moment ago.
  Status unavailable() const;

  // Whether the caller may try to connect now: std::nullopt means go ahead,
  // otherwise how long to wait before asking again.
  std::optional<std::chrono::milliseconds> attemptDelay();

  void succeeded();
  void failed(const Status& why);

  bool isOpen() const;

 private:
  using SteadyClock = std::chrono::steady_clock;
  enum class State { kClosed, kOpen, kHalfOpen };

  Status openStatus() const;  // with mutex_ held

  const std::string server_;
  const int threshold_;
  const std::shared_ptr<Logger> logger_;

  mutable std::mutex mutex_;
  State state_ = State::kClosed;
  int consecutive_ = 0;
  Backoff backoff_;
  SteadyClock::time_point retryAt_{};
  std::string lastError_;
};

}  // namespace streamgate::redis
