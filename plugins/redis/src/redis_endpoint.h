// Where the Redis master is and whether it answers: what every connection of
// a plugin instance shares. connect() finds the master (the configured
// address, or by asking the sentinels), opens a connection to it and feeds
// the circuit breaker with the outcome.
//
// Sentinel client rules (https://redis.io/docs/reference/sentinel-clients/):
// ask the sentinels in order for the master's address; the first that
// answers moves to the front of the list; connect and check ROLE says
// master; resolve again on every reconnect. When a connection finds the
// master at a new address, the epoch moves on and every connection opened
// for an older epoch is dropped and reopened.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "redis_circuit_breaker.h"
#include "redis_config.h"
#include "redis_connection.h"
#include "streamgate/logger.h"

namespace streamgate::redis {

class RedisEndpoint {
 public:
  RedisEndpoint(RedisConfig config, std::shared_ptr<Logger> logger);

  const RedisConfig& config() const { return config_; }
  CircuitBreaker& breaker() { return breaker_; }
  Logger& logger() { return *logger_; }

  struct Opened {
    std::unique_ptr<RedisConnection> connection;
    std::uint64_t epoch = 0;
  };
  // One attempt, recorded by the breaker. withScripts loads the Lua scripts.
  Expected<Opened> connect(bool withScripts);

  // Connections opened for an older epoch talk to a former master.
  std::uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }
  // A connection learnt its server is no longer the master (READONLY...).
  void masterLost();

 private:
  Expected<HostPort> locateMaster();
  Expected<HostPort> askSentinel(const HostPort& sentinel);

  const RedisConfig config_;
  const std::shared_ptr<Logger> logger_;
  CircuitBreaker breaker_;
  std::atomic<std::uint64_t> epoch_{1};

  std::mutex mutex_;
  std::vector<HostPort> sentinels_;  // most recently answering first
  std::optional<HostPort> master_;   // where the current epoch's connections go
};

}  // namespace streamgate::redis
