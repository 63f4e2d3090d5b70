// Drives one stream from a ChunkSource on one event loop: holds the stream's
// lease (renewed every lease_ttl/3), writes each chunk through the
// StreamWriter with the lease's fencing token, and ends the stream with
// exactly one terminal. Listens on the session for cancel requests, which
// may come from any node.
//
// If the lease is lost (renew refused, or a store append fenced) the
// producer stops without a terminal: a newer owner has the stream.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "gateway/chunk_source.h"
#include "gateway/gateway_context.h"
#include "gateway/session_hub.h"
#include "net/event_loop.h"
#include "streamgate/lock_provider.h"

namespace streamgate::gateway {

class StreamProducer final : public SessionListener, public std::enable_shared_from_this<StreamProducer> {
 public:
  StreamProducer(GatewayContext& context, net::EventLoop& loop, StreamId stream, Lease lease,
                 std::unique_ptr<ChunkSource> source, std::int64_t firstIndex, std::string requestId,
                 std::function<void(StreamProducer&)> onDone);

  // On the loop.
  void start();
  // Ends the stream now as interrupted (this node is shutting down).
  void interrupt();

  const StreamId& stream() const noexcept { return stream_; }

  void onSessionEvent(const std::string& sessionId, const EventView& event, const net::Frame& frame) override;

 private:
  void produceNext();
  void onAppended(Expected<std::int64_t> result);
  void renewLease();
  void end(Terminal terminal);
  void stop();

  GatewayContext& context_;
  net::EventLoop& loop_;
  StreamId stream_;
  Lease lease_;
  std::unique_ptr<ChunkSource> source_;
  std::int64_t nextIndex_;
  std::string requestId_;
  std::function<void(StreamProducer&)> onDone_;
  bool joined_ = false;
  bool cancelRequested_ = false;
  bool ending_ = false;
  bool stopped_ = false;
  int retries_ = 0;
  net::EventLoop::TimerId renewTimer_ = 0;
  net::EventLoop::TimerId nextTimer_ = 0;
};

}  // namespace streamgate::gateway
