// The conformance endpoint (server.echo_path): every message goes back as it
// came, through the same codec, loops and limits as the real protocol, so a
// standard WebSocket test suite can exercise the core.
#pragma once

#include "net/ws_connection.h"

namespace streamgate::net {

class EchoHandler final : public WsHandler {
 public:
  void onOpen(const std::shared_ptr<WsConnection>&) override {}
  void onMessage(const std::shared_ptr<WsConnection>& connection, WsOpcode opcode,
                 std::string_view payload) override {
    connection->send(std::make_shared<const std::string>(encodeFrame(opcode, payload)));
  }
  void onClosed(const std::shared_ptr<WsConnection>&, std::uint16_t) override {}
};

}  // namespace streamgate::net
