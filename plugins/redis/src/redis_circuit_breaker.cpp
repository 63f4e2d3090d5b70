#include "redis_circuit_breaker.h"

namespace streamgate::redis {

CircuitBreaker::CircuitBreaker(std::string server, int failures, std::chrono::milliseconds retryInitial,
                               std::chrono::milliseconds retryMax, std::shared_ptr<Logger> logger)
    : server_(std::move(server)),
      threshold_(failures),
      logger_(std::move(logger)),
      backoff_(retryInitial, retryMax) {}

Status CircuitBreaker::openStatus() const {
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(retryAt_ - SteadyClock::now());
  // lastError_ names the server (and the sentinels) already.
  return Status(Code::kUnavailable, "circuit open, next probe in " +
                                        std::to_string(std::max<std::int64_t>(wait.count(), 0)) +
                                        "ms: " + lastError_);
}

Status CircuitBreaker::admit() const {
  std::lock_guard lock(mutex_);
  return state_ == State::kClosed ? Status::ok() : openStatus();
}

Status CircuitBreaker::unavailable() const {
  std::lock_guard lock(mutex_);
  if (state_ != State::kClosed) return openStatus();
  return Status(Code::kUnavailable, "redis " + server_ + ": not connected: " + lastError_);
}

bool CircuitBreaker::isOpen() const {
  std::lock_guard lock(mutex_);
  return state_ != State::kClosed;
}

std::optional<std::chrono::milliseconds> CircuitBreaker::attemptDelay() {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case State::kClosed:
      return std::nullopt;
    case State::kHalfOpen:  // someone else is probing
      return std::chrono::milliseconds(10);
    case State::kOpen:
      break;
  }
  const auto now = SteadyClock::now();
  if (now < retryAt_) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(retryAt_ - now) +
           std::chrono::milliseconds(1);
  }
  state_ = State::kHalfOpen;
  return std::nullopt;
}

void CircuitBreaker::succeeded() {
  std::lock_guard lock(mutex_);
  consecutive_ = 0;
  backoff_.reset();
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  if (logger_) logger_->log(LogLevel::kInfo, "redis " + server_ + " reachable again: circuit closed");
}

void CircuitBreaker::failed(const Status& why) {
  std::lock_guard lock(mutex_);
  lastError_ = why.message();
  ++consecutive_;
  if (state_ == State::kClosed && consecutive_ < threshold_) return;
  const bool wasClosed = state_ == State::kClosed;
  state_ = State::kOpen;
  const auto delay = backoff_.next();
  retryAt_ = SteadyClock::now() + delay;
  if (logger_ && (wasClosed || logger_->enabled(LogLevel::kDebug))) {
    logger_->log(wasClosed ? LogLevel::kWarning : LogLevel::kDebug,
                 why.message() + "; circuit open, failing fast, next probe in " +
                     std::to_string(delay.count()) + "ms");
  }
}

}  // namespace streamgate::redis
