// The WebSocket gateway of one node: wires the backends, the event loops and
// the protocol together, serves /ws (and the echo path), the health and
// metrics endpoints and the ingest API, keeps the node's heartbeat, and
// drains on shutdown.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "config/settings.h"
#include "gateway/gateway_context.h"
#include "gateway/metrics.h"
#include "gateway/session_hub.h"
#include "gateway/stream_service.h"
#include "gateway/stream_writer.h"
#include "net/echo_handler.h"
#include "net/event_loop.h"
#include "net/http_server.h"
#include "net/ws_server.h"
#include "plugin/backend_set.h"

namespace streamgate {
class TokenVerifier;
}

namespace streamgate::gateway {

class ClientSession;

class Gateway final : public net::WsHandler {
 public:
  // `loops` must be running and outlive the gateway.
  Gateway(const Settings& settings, BackendSet backends, net::EventLoopGroup& loops,
          std::shared_ptr<const TokenVerifier> verifier);
  ~Gateway() override;

  // Heartbeat, janitor and per-loop timers.
  void start();
  void addRoutes(HttpRouter& router);

  // SIGTERM: refuse new connections and chats, close clients with 1001, end
  // local streams as interrupted, unregister. Returns false if not done
  // within the timeout.
  bool drain(std::chrono::milliseconds timeout);

  // net::WsHandler, on the connection's loop.
  void onOpen(const std::shared_ptr<net::WsConnection>& connection) override;
  void onMessage(const std::shared_ptr<net::WsConnection>& connection, net::WsOpcode opcode,
                 std::string_view payload) override;
  void onClosed(const std::shared_ptr<net::WsConnection>& connection, std::uint16_t code) override;

  Metrics& metrics() noexcept { return metrics_; }

 private:
  struct LoopSessions {
    std::unordered_set<ClientSession*> sessions;
    net::EventLoop::TimerId stallTimer = 0;
  };

  void upgrade(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
               net::WsHandler& handler, bool authenticate);
  void heartbeat();
  LoopSessions& loopSessions(net::EventLoop& loop);
  HttpReply ready();
  HttpReply distributedHealth();

  const Settings& settings_;
  BackendSet backends_;  // the only owner of the backends: see ~Gateway
  net::EventLoopGroup& loops_;
  std::shared_ptr<const TokenVerifier> verifier_;
  Metrics metrics_;
  SessionHub hub_;
  StreamWriter writer_;
  std::unique_ptr<StreamService> streams_;
  std::unique_ptr<GatewayContext> context_;
  net::WsServer wsServer_;
  net::EchoHandler echo_;
  std::vector<std::unique_ptr<LoopSessions>> perLoop_;
  std::atomic<bool> draining_{false};
  net::EventLoop::TimerId heartbeatTimer_ = 0;
};

}  // namespace streamgate::gateway
