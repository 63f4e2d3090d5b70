// One upgraded WebSocket, owned by one event loop for its whole life.
//
// Thread rules: every method runs on the owning loop's thread (post from
// elsewhere with loop().queueInLoop). Frames sent in one loop turn leave in
// one writev at the end of the turn. A Frame is an immutable, already encoded
// server frame, so one event fanned out to many connections is encoded once.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "net/event_loop.h"
#include "net/ws_frame.h"
#include "net/ws_limits.h"
#include "net/ws_parser.h"

namespace streamgate::net {

using Frame = std::shared_ptr<const std::string>;

class WsConnection;

// What the application does with a connection; called on its loop thread.
class WsHandler {
 public:
  virtual ~WsHandler() = default;
  virtual void onOpen(const std::shared_ptr<WsConnection>& connection) = 0;
  // payload is valid only during the call.
  virtual void onMessage(const std::shared_ptr<WsConnection>& connection, WsOpcode opcode,
                         std::string_view payload) = 0;
  // Once, when the socket is gone; code is the close code sent or received
  // (1006 when the peer vanished without one).
  virtual void onClosed(const std::shared_ptr<WsConnection>& connection, std::uint16_t code) = 0;
};

class WsConnection final : public IoHandler,
                           private WsParserSink,
                           public std::enable_shared_from_this<WsConnection> {
 public:
  // `greeting` is written first: the raw 101 response of the handshake.
  // `onGone` runs after onClosed so the owner can drop its reference.
  WsConnection(EventLoop& loop, Poco::Net::StreamSocket socket, std::string id, const WsLimits& limits,
               WsHandler& handler, std::string greeting, std::function<void(WsConnection*)> onGone);
  ~WsConnection() override;

  void start();

  const std::string& id() const noexcept { return id_; }
  EventLoop& loop() const noexcept { return loop_; }
  bool isOpen() const noexcept { return state_ == State::kOpen; }
  std::size_t queuedBytes() const noexcept { return queuedBytes_; }

  // Dropped silently once the connection is closing: nothing may follow a
  // close frame.
  void send(Frame frame);
  void sendText(std::string_view payload);

  // Starts the closing handshake; the socket goes when the peer answers or
  // after limits.closeTimeout.
  void close(std::uint16_t code, std::string_view reason);

  // Pings an idle peer, closes a silent one, ends a stalled close handshake.
  // Called about once a second by the owner.
  void checkTimeouts(EventLoop::Clock::time_point now);

  // Application state attached to the connection.
  void setContext(std::shared_ptr<void> context) { context_ = std::move(context); }
  const std::shared_ptr<void>& context() const noexcept { return context_; }

 private:
  enum class State { kOpen, kClosing, kClosed };

  // IoHandler
  void onReadable() override;
  void onWritable() override;
  void onHangup() override;

  // WsParserSink
  void onMessage(WsOpcode opcode, std::string_view payload) override;
  void onPing(std::string_view payload) override;
  void onPong(std::string_view payload) override;
  void onClose(std::uint16_t code, std::string_view reason) override;
  void onProtocolError(std::uint16_t closeCode, std::string_view reason) override;

  void enqueue(Frame frame);
  void sendControl(WsOpcode opcode, std::string_view payload);
  void sendClose(std::uint16_t code, std::string_view reason);
  void scheduleFlush();
  void flush();
  void terminate(std::uint16_t code);

  EventLoop& loop_;
  Poco::Net::StreamSocket socket_;
  int fd_;
  std::string id_;
  const WsLimits& limits_;
  WsHandler& handler_;
  std::function<void(WsConnection*)> onGone_;
  WsParser parser_;
  State state_ = State::kOpen;
  std::uint16_t closeCode_ = 1006;
  bool closeAfterFlush_ = false;  // the close handshake is done on our side
  bool flushScheduled_ = false;
  bool wantWritable_ = false;
  bool pingOutstanding_ = false;
  EventLoop::Clock::time_point lastReceived_;
  EventLoop::Clock::time_point closingSince_;

  std::string input_;  // an incomplete frame left from the last read
  std::deque<Frame> queue_;
  std::size_t headOffset_ = 0;  // bytes of queue_.front() already written
  std::size_t queuedBytes_ = 0;

  std::shared_ptr<void> context_;
  std::shared_ptr<WsConnection> flushHold_;  // set while a flush is scheduled
};

}  // namespace streamgate::net
