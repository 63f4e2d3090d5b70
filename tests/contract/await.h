// Turns a capability call's completion callback into a result the test can
// check, whether the plugin completes inline or on its own thread. A callback
// that never comes fails the test after a bounded wait instead of hanging it;
// one that comes twice fails it too (callbacks complete exactly once).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "streamgate/callback.h"
#include "streamgate/status.h"

namespace streamgate::contract {

inline constexpr std::chrono::seconds kAwaitTimeout{10};

// Where one callback's result lands. Shared with the callback, so a late
// completion after a timeout writes into a live object.
template <class Result>
class Completion {
 public:
  void set(Result result) {
    {
      std::lock_guard lock(mutex_);
      if (result_) {
        ADD_FAILURE() << "completion callback invoked more than once";
        return;
      }
      result_.emplace(std::move(result));
    }
    done_.notify_all();
  }

  // The result, or kTimeout (and a test failure) when none came in time.
  Result wait(std::chrono::milliseconds timeout = kAwaitTimeout) {
    std::unique_lock lock(mutex_);
    if (!done_.wait_for(lock, timeout, [&] { return result_.has_value(); })) {
      ADD_FAILURE() << "completion callback not invoked within " << timeout.count() << "ms";
      return Result(Status(Code::kTimeout, "test: callback not invoked in time"));
    }
    return *result_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  std::optional<Result> result_;
};

// awaitValue<T>([&](auto done) { store->read(id, 0, 10, done); })
template <class T, class Start>
Expected<T> awaitValue(Start&& start) {
  auto completion = std::make_shared<Completion<Expected<T>>>();
  start(Callback<T>([completion](Expected<T> result) { completion->set(std::move(result)); }));
  return completion->wait();
}

// awaitStatus([&](auto done) { store->unregisterConnection(id, done); })
template <class Start>
Status awaitStatus(Start&& start) {
  auto completion = std::make_shared<Completion<Status>>();
  start(StatusCallback([completion](Status status) { completion->set(std::move(status)); }));
  return completion->wait();
}

}  // namespace streamgate::contract
