// A bare-bones WebSocket client on a plain blocking socket, for tests that
// need control Poco's client does not give: not reading at all (a slow
// consumer), a tiny receive buffer, raw frames, ping handling by hand.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>

#include "net/ws_frame.h"
#include "net/ws_parser.h"

namespace streamgate::testing {

struct RawFrame {
  net::WsOpcode opcode = net::WsOpcode::kText;
  std::string payload;
  std::uint16_t closeCode = 0;  // for kClose
};

class RawWsClient {
 public:
  // Connects and upgrades; receiveBuffer > 0 shrinks SO_RCVBUF first.
  RawWsClient(std::uint16_t port, const std::string& path = "/ws", int receiveBuffer = 0);
  ~RawWsClient();

  bool upgraded() const noexcept { return upgraded_; }
  const std::string& response() const noexcept { return response_; }

  void sendFrame(net::WsOpcode opcode, const std::string& payload, bool fin = true);
  void sendText(const std::string& text) { sendFrame(net::WsOpcode::kText, text); }
  void sendRaw(const std::string& bytes);

  // The next frame; false on timeout or when the server closed TCP.
  bool receive(RawFrame& frame, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads and drops frames until a close frame (returns its code), TCP close
  // (1006) or the timeout (-1).
  int drainUntilClose(std::chrono::milliseconds timeout);

 private:
  class Collector;

  int fd_ = -1;
  bool upgraded_ = false;
  std::string response_;
  std::string input_;
  std::deque<RawFrame> pending_;  // parsed, not yet returned
  net::WsParser parser_;
};

}  // namespace streamgate::testing
