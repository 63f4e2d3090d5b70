// Owns the upgraded connections of all event loops: hands new sockets to a
// loop, runs each loop's timeout sweep, and closes everything on shutdown.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "net/event_loop.h"
#include "net/ws_connection.h"
#include "net/ws_limits.h"

namespace streamgate::net {

class WsServer {
 public:
  // Loops must be running; connection ids are `<idPrefix>-<n>`.
  WsServer(EventLoopGroup& loops, WsLimits limits, std::string idPrefix);
  ~WsServer();

  // Any thread (a Poco HTTP worker after a valid upgrade request): moves the
  // socket to the next loop, which writes `greeting` and calls handler.onOpen.
  // `context` is attached to the connection before onOpen.
  void adopt(Poco::Net::StreamSocket socket, std::string greeting, WsHandler& handler,
             std::shared_ptr<void> context = nullptr);

  // Any thread: starts the close handshake of every connection.
  void closeAll(std::uint16_t code, const std::string& reason);

  std::size_t connectionCount() const noexcept { return count_.load(std::memory_order_relaxed); }
  const WsLimits& limits() const noexcept { return limits_; }

 private:
  // Touched only on its loop's thread.
  struct LoopConnections {
    std::unordered_map<WsConnection*, std::shared_ptr<WsConnection>> connections;
    EventLoop::TimerId sweepTimer = 0;
  };

  EventLoopGroup& loops_;
  const WsLimits limits_;
  const std::string idPrefix_;
  std::vector<std::unique_ptr<LoopConnections>> perLoop_;
  std::atomic<std::uint64_t> nextId_{1};
  std::atomic<std::size_t> count_{0};
};

}  // namespace streamgate::net
