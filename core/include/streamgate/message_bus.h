// MessageBus: cross-node publish/subscribe of opaque byte payloads.
//
// Delivery is at-most-once per subscriber and ordered per channel as seen by
// one publisher; a subscriber may miss messages (pub/sub drops on reconnect),
// which is why stream chunks carry indexes and the host repairs gaps from the
// StreamStore.
//
// Thread-safety: all methods may be called from any thread concurrently.
// Blocking: publish() and subscribe() never block on I/O.
// Handlers run on plugin threads (never inside publish() or subscribe()); for one
// subscription they are never invoked concurrently. Once the Subscription handle
// is destroyed neither the handler nor `ready` is invoked again; destruction waits for a running
// invocation on another thread to return (destroying the handle from inside its
// own handler is allowed). The host never drops its last reference to a bus
// from inside one of that bus's handlers.
// Errors:
//   publish   kInvalidArgument  empty channel
//             kUnavailable / kTimeout  not sent, or not known to be persisted
//   subscribe kInvalidArgument  empty channel; kUnavailable  not subscribed yet
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "streamgate/callback.h"

namespace streamgate {

using MessageHandler = std::function<void(std::string_view channel, std::string_view payload)>;

// Active while it lives; destroying it unsubscribes. It may outlive its bus
// (then it is inert).
class Subscription {
 public:
  virtual ~Subscription() = default;
};

class MessageBus {
 public:
  virtual ~MessageBus() = default;

  // Completes when the message is handed to the backend (or persisted, for a
  // durable bus). A message published after a subscription became ready is
  // delivered to it.
  virtual void publish(const std::string& channel, std::string payload, StatusCallback done) = 0;

  // Returns the handle at once. `ready` completes when messages published from
  // now on are guaranteed to reach `handler` (the backend confirmed the
  // subscription); callers that read state after subscribing must wait for it.
  virtual std::shared_ptr<Subscription> subscribe(const std::string& channel, MessageHandler handler,
                                                  StatusCallback ready) = 0;
};

}  // namespace streamgate
