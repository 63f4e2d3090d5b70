// The subscriber side of a MessageBus, written once for every bus plugin:
// which handlers listen on which channel, and running them by the rules of
// streamgate/message_bus.h (never after their handle is destroyed; destroying
// a handle waits for a call running on another thread, and may happen inside
// the handler itself).
//
// A bus keeps one ChannelListeners, hands out the handles add() returns, and
// calls deliver() from its own dispatch thread. Backends that subscribe per
// channel (Redis) ask channels() what the node needs and get told through
// the `changed` hook when a channel loses its last listener, so one backend
// subscription serves every local listener of a channel.
//
// Thread-safety: every method may be called from any thread. deliver() for
// one channel must come from one thread at a time (per-channel order).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "streamgate/logger.h"
#include "streamgate/message_bus.h"

namespace streamgate {

class ChannelListeners {
 public:
  struct Listener;
  // The listeners of one channel at one moment.
  using Snapshot = std::vector<std::shared_ptr<Listener>>;

  // busName prefixes log lines ("redis bus: handler for channel x threw").
  // `changed` (may be empty) runs after a channel lost its last listener, on
  // the thread that destroyed the handle, with no lock held.
  static std::shared_ptr<ChannelListeners> create(
      std::shared_ptr<Logger> logger, std::string busName,
      std::function<void(const std::string& channel)> changed = {});

  // Registers handler on channel. The handle unregisters it when destroyed
  // and may outlive this object.
  struct Added {
    std::shared_ptr<Subscription> handle;
    std::weak_ptr<Listener> listener;  // for callIfActive()
    bool first = false;                // the channel had no listener before
  };
  Added add(const std::string& channel, MessageHandler handler);

  bool has(std::string_view channel) const;
  std::vector<std::string> channels() const;
  Snapshot snapshot(std::string_view channel) const;

  // Runs every listener of the snapshot that is still active, in order. A
  // handler that throws is logged and the others still run.
  void deliver(const Snapshot& listeners, std::string_view channel, std::string_view payload) const;
  void deliver(std::string_view channel, std::string_view payload) const {
    deliver(snapshot(channel), channel, payload);
  }

  // Runs call under the same rules as a handler of listener (the bus's
  // `ready` callbacks): not at all once its handle is gone. True if it ran.
  bool callIfActive(const std::weak_ptr<Listener>& listener, const std::function<void()>& call) const;

  struct State;

 private:
  explicit ChannelListeners(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace streamgate
