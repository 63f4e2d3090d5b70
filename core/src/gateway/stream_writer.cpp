#include "gateway/stream_writer.h"

#include "gateway/metrics.h"
#include "streamgate/stream_event.h"

namespace streamgate::gateway {

StreamWriter::StreamWriter(StreamStore& store, MessageBus& bus, Metrics& metrics, bool storePublishes)
    : store_(store), bus_(bus), metrics_(metrics), storePublishes_(storePublishes) {}

void StreamWriter::append(AppendRequest request, Callback<std::int64_t> done) {
  auto shared = std::make_shared<AppendRequest>(std::move(request));
  store_.append(*shared, [this, shared, done = std::move(done)](Expected<std::int64_t> next) {
    if (!next) {
      metrics_.appendErrors.fetch_add(1, std::memory_order_relaxed);
      done(std::move(next));
      return;
    }
    // A batch may overlap what is stored (a producer re-sending after a
    // timeout); those chunks were published by the first attempt... or not,
    // if that attempt died between append and publish. Publishing them again
    // is harmless (subscribers drop duplicates), losing them is not.
    const auto& contents = shared->contents;
    metrics_.chunksAppended.fetch_add(contents.size(), std::memory_order_relaxed);
    if (storePublishes_) {
      done(std::move(next));
      return;
    }
    const std::string channel = sessionChannel(shared->stream.sessionId);  // once per batch
    for (std::size_t i = 0; i < contents.size(); ++i) {
      const std::int64_t index = shared->firstIndex + static_cast<std::int64_t>(i);
      publish(channel, encodeChunkEvent(shared->stream, index, contents[i]));
    }
    done(std::move(next));
  });
}

void StreamWriter::finish(const StreamId& stream, const Terminal& terminal, std::uint64_t fencingToken,
                          Callback<Terminal> done) {
  store_.finish(stream, terminal, fencingToken,
                [this, stream, done = std::move(done)](Expected<Terminal> result) {
                  if (result && !storePublishes_) publish(sessionChannel(stream.sessionId), encodeTerminalEvent(stream, *result));
                  done(std::move(result));
                });
}

void StreamWriter::publishStarted(const StreamId& stream, std::string_view requestId) {
  publish(sessionChannel(stream.sessionId), encodeStartedEvent(stream, requestId));
}

void StreamWriter::publishCancelRequest(const StreamId& stream, StatusCallback done) {
  bus_.publish(sessionChannel(stream.sessionId), encodeCancelRequest(stream), std::move(done));
}

void StreamWriter::publish(const std::string& channel, std::string payload) {
  bus_.publish(channel, std::move(payload), [&metrics = metrics_](Status status) {
    // A lost publish is repaired by subscribers from the store (the next
    // event reveals the gap; an idle stream is re-checked), so it is counted,
    // not retried.
    if (!status) metrics.publishErrors.fetch_add(1, std::memory_order_relaxed);
  });
}

}  // namespace streamgate::gateway
