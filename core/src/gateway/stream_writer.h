// The one write path of every producer, built-in or external: append to the
// StreamStore first, then publish the new events on the session's bus
// channel (DESIGN.md section 5). Stored and published never disagree in the
// dangerous direction: nothing is published that is not stored.
//
// Thread-agnostic: callbacks run on whatever thread the backends complete on.
#pragma once

#include <memory>

#include "streamgate/message_bus.h"
#include "streamgate/stream_store.h"

namespace streamgate::gateway {

class Metrics;

class StreamWriter {
 public:
  // storePublishes: the store publishes chunk and terminal events itself
  // (BackendSet::storePublishesEvents), so the writer only stores them.
  StreamWriter(StreamStore& store, MessageBus& bus, Metrics& metrics, bool storePublishes);

  // Appends, then publishes every chunk of the request (a re-sent prefix
  // too: its first publish may have been lost). Yields the next index.
  void append(AppendRequest request, Callback<std::int64_t> done);

  // Records the terminal, then publishes it as recorded.
  void finish(const StreamId& stream, const Terminal& terminal, std::uint64_t fencingToken,
              Callback<Terminal> done);

  void publishStarted(const StreamId& stream, std::string_view requestId);
  void publishCancelRequest(const StreamId& stream, StatusCallback done);

 private:
  void publish(const std::string& channel, std::string payload);

  StreamStore& store_;
  MessageBus& bus_;
  Metrics& metrics_;
  bool storePublishes_;
};

}  // namespace streamgate::gateway
