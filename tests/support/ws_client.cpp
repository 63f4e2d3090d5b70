#include "ws_client.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>

#include <array>

namespace streamgate::testing {

WsClient::WsClient(std::uint16_t port, const std::string& target)
    : session_(std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", port)) {
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target, Poco::Net::HTTPMessage::HTTP_1_1);
  Poco::Net::HTTPResponse response;
  socket_ = std::make_unique<Poco::Net::WebSocket>(*session_, request, response);
  socket_->setMaxPayloadSize(16 << 20);
}

WsClient::~WsClient() {
  try {
    if (socket_) socket_->close();
  } catch (const Poco::Exception&) {
  }
}

void WsClient::send(const std::string& text) {
  socket_->sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT);
}

void WsClient::sendBinary(const std::string& bytes) {
  socket_->sendFrame(bytes.data(), static_cast<int>(bytes.size()), Poco::Net::WebSocket::FRAME_BINARY);
}

std::optional<Poco::JSON::Object::Ptr> WsClient::receive(std::chrono::milliseconds timeout) {
  if (closeCode_ != -1) return std::nullopt;
  socket_->setReceiveTimeout(Poco::Timespan(timeout.count() * 1000));
  Poco::Buffer<char> buffer(0);
  while (true) {
    int flags = 0;
    int n = 0;
    try {
      buffer.resize(0);
      n = socket_->receiveFrame(buffer, flags);
    } catch (const Poco::TimeoutException&) {
      return std::nullopt;
    } catch (const Poco::Exception&) {
      closeCode_ = 1006;
      return std::nullopt;
    }
    const int opcode = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
    if (opcode == Poco::Net::WebSocket::FRAME_OP_CLOSE || (n == 0 && flags == 0)) {
      closeCode_ = n >= 2
                       ? (static_cast<unsigned char>(buffer[0]) << 8 | static_cast<unsigned char>(buffer[1]))
                       : 1005;
      return std::nullopt;
    }
    if (opcode == Poco::Net::WebSocket::FRAME_OP_PING) {
      socket_->sendFrame(
          buffer.begin(), n,
          static_cast<int>(Poco::Net::WebSocket::FRAME_FLAG_FIN) | Poco::Net::WebSocket::FRAME_OP_PONG);
      continue;
    }
    if (opcode != Poco::Net::WebSocket::FRAME_OP_TEXT) continue;
    Poco::JSON::Parser parser;
    return parser.parse(std::string(buffer.begin(), static_cast<std::size_t>(n)))
        .extract<Poco::JSON::Object::Ptr>();
  }
}

std::optional<Poco::JSON::Object::Ptr> WsClient::receiveType(const std::string& type,
                                                             std::chrono::milliseconds timeout,
                                                             std::vector<Poco::JSON::Object::Ptr>* skipped) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto frame = receive(left);
    if (!frame) return std::nullopt;
    if (typeOf(*frame) == type) return frame;
    if (skipped != nullptr) skipped->push_back(*frame);
  }
}

void WsClient::close() {
  try {
    socket_->shutdown(1000, "bye");
  } catch (const Poco::Exception&) {
  }
}

std::string typeOf(const Poco::JSON::Object::Ptr& frame) { return frame->optValue<std::string>("type", ""); }

}  // namespace streamgate::testing
