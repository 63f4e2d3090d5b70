// In-process MessageBus: publish() queues one delivery per message and a
// single dispatcher thread owned by the bus runs the handlers, so handlers
// never run inside publish() or subscribe() and one FIFO keeps every
// channel's order. Contract: streamgate/message_bus.h.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "streamgate/logger.h"
#include "streamgate/message_bus.h"

namespace streamgate::memory {

class MemoryMessageBus final : public MessageBus {
 public:
  explicit MemoryMessageBus(std::shared_ptr<Logger> logger);
  // Stops the dispatcher (messages still queued are dropped: at-most-once) and joins it.
  ~MemoryMessageBus() override;

  MemoryMessageBus(const MemoryMessageBus&) = delete;
  MemoryMessageBus& operator=(const MemoryMessageBus&) = delete;

  void publish(const std::string& channel, std::string payload, StatusCallback done) override;
  std::shared_ptr<Subscription> subscribe(const std::string& channel, MessageHandler handler,
                                          StatusCallback ready) override;

  // Shared with the dispatcher thread and with subscription handles, which
  // may outlive the bus.
  struct Core;

 private:
  std::shared_ptr<Core> core_;
  std::thread dispatcher_;
};

}  // namespace streamgate::memory
