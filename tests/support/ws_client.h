// A WebSocket client for integration tests, built on Poco's client (an
// implementation independent of the server's codec). Blocking, with timeouts.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/WebSocket.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace streamgate::testing {

class WsClient {
 public:
  // Connects to ws://127.0.0.1:port<target>; throws Poco::Exception on a
  // refused upgrade (the HTTP status is in the message).
  WsClient(std::uint16_t port, const std::string& target = "/ws");
  ~WsClient();

  void send(const std::string& text);
  void sendBinary(const std::string& bytes);

  // The next text frame as JSON; nullopt on timeout or close (closeCode()
  // then tells which).
  std::optional<Poco::JSON::Object::Ptr> receive(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Frames until one of `type` arrives (returned); the others are appended to `skipped` if given.
  std::optional<Poco::JSON::Object::Ptr> receiveType(
      const std::string& type, std::chrono::milliseconds timeout = std::chrono::seconds(5),
      std::vector<Poco::JSON::Object::Ptr>* skipped = nullptr);

  // The close code the server sent, or -1 while none arrived.
  int closeCode() const noexcept { return closeCode_; }
  void close();

 private:
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::unique_ptr<Poco::Net::WebSocket> socket_;
  int closeCode_ = -1;
};

// type field of a received frame ("" if absent).
std::string typeOf(const Poco::JSON::Object::Ptr& frame);

}  // namespace streamgate::testing
