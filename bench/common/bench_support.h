// Pieces every plugin benchmark (bench/redis, bench/kafka) uses: waiting
// for callbacks, subscribing many channels, chunk contents and the JSON line.
// Nothing here knows which plugin it measures.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "latency_histogram.h"
#include "streamgate/message_bus.h"

namespace streamgate::bench {

using SteadyClock = std::chrono::steady_clock;

inline std::int64_t microsBetween(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
}

inline std::int64_t nanosOf(SteadyClock::time_point at) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
}

// Exactly `bytes` bytes, starting with the index so every chunk differs.
std::string chunkContent(std::int64_t index, int bytes);

// Counts down from n; waiters wake at zero. Thread-safe.
class CountDown {
 public:
  explicit CountDown(std::int64_t n) : left_(n) {}
  void countDown(std::int64_t by = 1);
  // True if it reached zero before the deadline.
  bool waitUntil(SteadyClock::time_point deadline);
  std::int64_t left() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable zero_;
  std::int64_t left_;
};

// Subscribes every (channel, handler) on bus at once and waits until all
// are ready. A subscription whose `ready` has not come after
// kSubscribeGrace gets a second, no-op listener whose `ready` is awaited
// instead; `retried` counts those (the redis plugin loses `ready` callbacks
// of subscriptions made while its subscriber thread reconciles, see
// docs/benchmarks.md "Redis"). Throws std::runtime_error with the first
// failure, or when the deadline passes.
struct Subscribed {
  std::vector<std::shared_ptr<Subscription>> handles;
  std::int64_t retried = 0;
};
inline constexpr std::chrono::seconds kSubscribeGrace{3};
Subscribed subscribeAll(MessageBus& bus, std::vector<std::pair<std::string, MessageHandler>> channels,
                        SteadyClock::time_point deadline);

// One JSON object written field by field, in order.
class JsonObject {
 public:
  JsonObject();
  JsonObject& add(const std::string& key, double value);
  JsonObject& add(const std::string& key, std::int64_t value);
  JsonObject& add(const std::string& key, int value) { return add(key, static_cast<std::int64_t>(value)); }
  JsonObject& add(const std::string& key, bool value);
  JsonObject& add(const std::string& key, const std::string& value);
  JsonObject& add(const std::string& key, const char* value) { return add(key, std::string(value)); }
  JsonObject& addRaw(const std::string& key, const std::string& json);
  std::string str() const { return text_.str() + "}"; }

 private:
  void key(const std::string& name);
  std::ostringstream text_;
  bool first_ = true;
};

// The 1-minute load average (/proc/loadavg): how busy the shared machine was.
double loadAverage();

// {"count","p50","p90","p99","p999","max","mean"} in microseconds.
std::string histogramJson(const LatencyHistogram& histogram);

// What a store answered, and when its callback ran.
template <class T>
struct Answer {
  Expected<T> result;
  SteadyClock::time_point at;
};

// Calls call(callback) and blocks until the callback ran or the deadline
// passed (Code::kTimeout).
template <class T, class Call>
Answer<T> await(Call call, SteadyClock::time_point deadline) {
  auto promise = std::make_shared<std::promise<Answer<T>>>();
  auto future = promise->get_future();
  call([promise](Expected<T> result) {
    promise->set_value(Answer<T>{std::move(result), SteadyClock::now()});
  });
  if (future.wait_until(deadline) != std::future_status::ready) {
    return Answer<T>{Status(Code::kTimeout, "no answer before the deadline"), SteadyClock::now()};
  }
  return future.get();
}

}  // namespace streamgate::bench
