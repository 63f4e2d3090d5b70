// A plugin as the node loads it (the host's PluginLibrary, from the build
// tree's plugin directory), and its capability calls driven with bounded
// waits: for the tests that run one plugin against a real server and take the
// server away (`*_redistest.cpp`, `*_kafkatest.cpp`) and for the config unit
// tests that call a plugin's validate().
//
// Header-only: the including target defines STREAMGATE_PLUGIN_DIR, as the
// loader tests do. Everything here may be used from any test thread.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "../contract/await.h"
#include "plugin/plugin_library.h"
#include "plugin/plugin_registry.h"
#include "streamgate/clock.h"
#include "streamgate/plugin.h"
#include "test_logger.h"

#ifndef STREAMGATE_PLUGIN_DIR
#error "STREAMGATE_PLUGIN_DIR must name the directory the plugins are built into"
#endif

namespace streamgate::testing {

using SteadyClock = std::chrono::steady_clock;

// <build>/plugins/libstreamgate_<name>.so through the host's loader.
inline Expected<std::shared_ptr<const PluginLibrary>> openPlugin(const std::string& name) {
  return PluginLibrary::open(std::filesystem::path(STREAMGATE_PLUGIN_DIR) / PluginRegistry::fileName(name));
}

// What the node hands a plugin: its id, the steady clock, a logger that
// shows warnings next to a failing test, and the capabilities chosen.
inline PluginContext pluginContext(std::string nodeId, std::uint32_t capabilities) {
  return PluginContext{std::move(nodeId), steadyClock(), std::make_shared<TestLogger>(), capabilities};
}

inline std::chrono::milliseconds since(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
}

// The errors a caller answers by retrying later (the backend is in trouble,
// the outcome of a write unknown).
inline bool isBackendTrouble(const Status& status) {
  return status.code() == Code::kUnavailable || status.code() == Code::kTimeout;
}

// One capability call, bounded: the result, or a test failure and kTimeout
// when the callback does not come within `limit`.
template <class T, class Start>
Expected<T> callWithin(std::chrono::milliseconds limit, Start&& start) {
  auto completion = std::make_shared<contract::Completion<Expected<T>>>();
  start(Callback<T>([completion](Expected<T> result) { completion->set(std::move(result)); }));
  return completion->wait(limit);
}
template <class Start>
Status callStatusWithin(std::chrono::milliseconds limit, Start&& start) {
  auto completion = std::make_shared<contract::Completion<Status>>();
  start(StatusCallback([completion](Status status) { completion->set(std::move(status)); }));
  return completion->wait(limit);
}

// Calls `attempt` until it yields a value or the deadline passes; the last result.
template <class Attempt>
auto retryUntil(SteadyClock::time_point deadline, Attempt&& attempt) -> decltype(attempt()) {
  auto result = attempt();
  while (!result.hasValue() && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    result = attempt();
  }
  return result;
}

// What one subscription received. Shared with the handler, so it outlives
// the handle whatever the order of destruction.
class Inbox {
 public:
  static MessageHandler handlerFor(const std::shared_ptr<Inbox>& inbox) {
    return [inbox](std::string_view, std::string_view payload) {
      {
        std::lock_guard lock(inbox->mutex_);
        inbox->payloads_.emplace_back(payload);
      }
      inbox->arrived_.notify_all();
    };
  }

  // True once a payload starting with `prefix` arrived, false at the deadline.
  bool waitFor(const std::string& prefix, SteadyClock::time_point deadline) {
    return waitUntil(deadline, [&](const std::vector<std::string>& payloads) {
      return std::any_of(payloads.begin(), payloads.end(),
                         [&](const std::string& payload) { return payload.rfind(prefix, 0) == 0; });
    });
  }

  // True once `done(payloads so far)` holds, false at the deadline.
  template <class Predicate>
  bool waitUntil(SteadyClock::time_point deadline, Predicate&& done) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_until(lock, deadline, [&] { return done(payloads_); });
  }

  // Every payload so far, in arrival order.
  std::vector<std::string> payloads() {
    std::lock_guard lock(mutex_);
    return payloads_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> payloads_;
};

}  // namespace streamgate::testing
