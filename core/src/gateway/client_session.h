// One client connection's protocol state: who it is, which sessions it
// watches, where it stands in each stream. Implements protocol v1
// (docs/protocol.md). Lives on its connection's loop; every backend answer
// is posted back there before it touches this object.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "gateway/client_message.h"
#include "gateway/gateway_context.h"
#include "gateway/server_frames.h"
#include "gateway/session_hub.h"
#include "gateway/stream_cursor.h"
#include "net/ws_connection.h"

namespace streamgate::gateway {

class ClientSession final : public SessionListener,
                            public StreamCursor::Sink,
                            public std::enable_shared_from_this<ClientSession> {
 public:
  // userId is empty until the client authenticates with an `auth` message.
  ClientSession(GatewayContext& context, const std::shared_ptr<net::WsConnection>& connection,
                std::string userId);

  void onOpen();
  void onText(std::string_view text);
  void onBinary();
  void onClosed();
  // Re-reads streams that went quiet (a lost publish of their last events).
  void checkStalled(net::EventLoop::Clock::time_point now);

  const std::string& connectionId() const noexcept { return connectionId_; }

  // SessionListener
  void onSessionEvent(const std::string& sessionId, const EventView& event, const net::Frame& frame) override;

  // StreamCursor::Sink
  void deliverFrame(const net::Frame& frame, bool isChunk) override;
  void deliverJson(std::string json, bool isChunk) override;
  void readStore(const StreamId& stream, std::int64_t from,
                 std::function<void(Expected<StreamSlice>)> done) override;
  void cursorFailed(const StreamId& stream, std::string_view code, std::string_view message) override;

 private:
  struct Watched {
    bool ready = false;
    // Actions waiting for the session to be ready; when it cannot be, each
    // gets an error frame naming its own message / request.
    struct Pending {
      std::string messageId;
      std::string requestId;
      std::function<void(Status)> action;
    };
    std::vector<Pending> pending;
    // By messageId; transparent, so a live event finds its cursor without a string copy.
    std::map<std::string, std::shared_ptr<StreamCursor>, std::less<>> cursors;
    std::map<std::string, net::EventLoop::Clock::time_point, std::less<>> lastEvent;
  };

  void handle(AuthMessage message);
  void handle(SubscribeMessage message);
  void handle(ChatMessage message);
  void handle(ResumeMessage message);
  void handle(CancelMessage message);
  void handle(UnsubscribeMessage message);
  void handle(PingMessage message);

  // Runs then(ok) once the client may act on the session and this node
  // receives its events; then(error) if not (the error frame is sent here).
  void watch(const std::string& sessionId, const ErrorContext& context, std::function<void(Status)> then);
  void unwatch(const std::string& sessionId);
  StreamCursor* follow(const StreamId& stream, std::int64_t nextIndex);
  void sendError(std::string_view code, std::string_view message, const ErrorContext& context = {});
  void sendJson(const std::string& json);
  bool allowMessage();
  bool isFinished(const std::string& messageId) const;
  void rememberFinished(const std::string& messageId);

  // A callback that runs `body` on this connection's loop if the session still exists.
  template <class T>
  Callback<T> onLoop(std::function<void(ClientSession&, Expected<T>)> body);
  StatusCallback onLoopStatus(std::function<void(ClientSession&, Status)> body);

  GatewayContext& context_;
  std::weak_ptr<net::WsConnection> connection_;
  net::EventLoop& loop_;
  std::string connectionId_;
  std::string userId_;
  bool closed_ = false;
  std::unordered_map<std::string, Watched> watched_;
  std::set<std::string> owned_;  // sessions the store confirmed this user owns
  // Streams this connection already finished, so a late duplicate does not
  // start them over. Bounded.
  std::deque<std::string> finishedOrder_;
  std::set<std::string> finished_;
  double tokens_;
  net::EventLoop::Clock::time_point tokensAt_;
};

}  // namespace streamgate::gateway
