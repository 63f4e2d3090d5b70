// One MessageBus subscription per session per node, shared by every local
// listener (client connections, producers) watching that session.
//
// A bus event is decoded and framed once per node, then posted to each event
// loop that has listeners for the session; the listeners run on their loop.
// Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/event_loop.h"
#include "net/ws_connection.h"
#include "streamgate/message_bus.h"
#include "streamgate/stream_event.h"

namespace streamgate::gateway {

class Metrics;

// Called on the loop it joined from.
class SessionListener {
 public:
  virtual ~SessionListener() = default;
  // `frame` is the ready-to-send text frame (null for control events).
  virtual void onSessionEvent(const std::string& sessionId, const EventView& event,
                              const net::Frame& frame) = 0;
};

class SessionHub {
 public:
  SessionHub(MessageBus& bus, Metrics& metrics);
  ~SessionHub();

  // On `loop`'s thread. `ready` runs on that loop once the node's bus
  // subscription is confirmed (on the next turn if it already is), with an
  // error if the bus could not subscribe; the listener stays joined either
  // way and a later join retries a failed subscription.
  void join(const std::string& sessionId, net::EventLoop& loop, SessionListener* listener,
            std::function<void(Status)> ready);
  // On `loop`'s thread. No event reaches the listener after this returns.
  void leave(const std::string& sessionId, net::EventLoop& loop, SessionListener* listener);

  // Sessions with a live bus subscription on this node.
  std::size_t sessionCount() const;

 private:
  // The listeners of one session on one loop; touched only on that loop.
  struct LoopListeners {
    std::string sessionId;
    std::vector<SessionListener*> listeners;
    std::uint64_t removals = 0;  // leave() calls so far: a delivery checks whether its copy is stale
  };
  struct Event;
  struct Waiter {
    net::EventLoop* loop;
    std::function<void(Status)> ready;
  };
  struct Entry {
    std::shared_ptr<Subscription> subscription;
    enum class State { kPending, kReady, kFailed } state = State::kPending;
    Status failure;
    std::vector<Waiter> waiters;
    std::map<net::EventLoop*, std::pair<std::size_t, std::shared_ptr<LoopListeners>>> loops;  // count, set
    std::uint64_t generation = 0;  // which subscribe() call the state belongs to
  };

  void subscribe(const std::string& sessionId, std::uint64_t generation);
  void onReady(const std::string& sessionId, std::uint64_t generation, Status status);
  void onMessage(const std::string& sessionId, std::string_view payload);
  static void deliver(LoopListeners& set, const std::shared_ptr<const Event>& event);

  MessageBus& bus_;
  Metrics& metrics_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> sessions_;
  std::uint64_t nextGeneration_ = 1;
};

}  // namespace streamgate::gateway
