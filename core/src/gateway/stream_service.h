// Streams produced on this node, and the cluster duties around them:
//   - startChat(): one stream per (session, requestId), idempotent across
//     retries and nodes (the message id is derived from the request id and
//     the stream's lease decides who produces);
//   - the janitor: one node at a time (a leader lease) ends streams whose
//     producer died (lease expired, no terminal) as `interrupted`;
//   - drain(): on shutdown, every local stream ends as `interrupted`.
// Thread-safe; callbacks run on backend threads unless stated.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "gateway/client_message.h"
#include "gateway/gateway_context.h"
#include "net/event_loop.h"

namespace streamgate::gateway {

class StreamProducer;

struct StreamStart {
  bool existing = false;  // an earlier attempt of this request already stored something
};

class StreamService {
 public:
  explicit StreamService(GatewayContext& context);
  ~StreamService();

  static std::string messageIdFor(std::string_view sessionId, std::string_view requestId);
  static std::string leaseName(const StreamId& stream);

  // On `loop`: makes sure the stream of this chat is being (or was) produced.
  void startChat(net::EventLoop& loop, const ChatMessage& chat, const StreamId& stream,
                 Callback<StreamStart> done);

  // Starts the janitor's timer on `loop`.
  void startJanitor(net::EventLoop& loop);

  // Ends every local stream as interrupted; `done` runs once all are ended
  // (on some loop thread).
  void drain(std::function<void()> done);

  std::size_t activeStreams() const;

 private:
  void produce(net::EventLoop& loop, const StreamId& stream, Lease lease, const ChatMessage& chat,
               std::int64_t firstIndex);
  void runJanitor();
  void endOrphan(const StreamId& stream);

  GatewayContext& context_;
  struct Running {
    net::EventLoop* loop;
    std::shared_ptr<StreamProducer> producer;
  };

  mutable std::mutex mutex_;
  std::map<StreamProducer*, Running> producers_;
  std::function<void()> drained_;
  bool draining_ = false;

  net::EventLoop* janitorLoop_ = nullptr;
  net::EventLoop::TimerId janitorTimer_ = 0;
  std::optional<Lease> leadership_;
  bool janitorBusy_ = false;
};

}  // namespace streamgate::gateway
