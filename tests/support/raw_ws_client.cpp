#include "raw_ws_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <stdexcept>

namespace streamgate::testing {

// Turns parser callbacks into RawFrames.
class RawWsClient::Collector final : public net::WsParserSink {
 public:
  explicit Collector(std::deque<RawFrame>& frames) : frames(frames) {}
  std::deque<RawFrame>& frames;

  void onMessage(net::WsOpcode opcode, std::string_view payload) override {
    frames.push_back(RawFrame{opcode, std::string(payload), 0});
  }
  void onPing(std::string_view payload) override {
    frames.push_back(RawFrame{net::WsOpcode::kPing, std::string(payload), 0});
  }
  void onPong(std::string_view payload) override {
    frames.push_back(RawFrame{net::WsOpcode::kPong, std::string(payload), 0});
  }
  void onClose(std::uint16_t code, std::string_view reason) override {
    frames.push_back(RawFrame{net::WsOpcode::kClose, std::string(reason), code});
  }
  void onProtocolError(std::uint16_t code, std::string_view reason) override {
    throw std::runtime_error("server sent a bad frame (" + std::to_string(code) +
                             "): " + std::string(reason));
  }
};

RawWsClient::RawWsClient(std::uint16_t port, const std::string& path, int receiveBuffer)
    : parser_(net::WsParserLimits{64 << 20, false}) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (receiveBuffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return;
  sendRaw("GET " + path +
          " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  char buffer[4096];
  while (response_.find("\r\n\r\n") == std::string::npos) {
    pollfd poll{fd_, POLLIN, 0};
    if (::poll(&poll, 1, 5000) <= 0) return;
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    response_.append(buffer, static_cast<std::size_t>(n));
  }
  const std::size_t end = response_.find("\r\n\r\n") + 4;
  input_ = response_.substr(end);
  response_.resize(end);
  upgraded_ = response_.rfind("HTTP/1.1 101", 0) == 0;
}

RawWsClient::~RawWsClient() {
  if (fd_ >= 0) ::close(fd_);
}

void RawWsClient::sendRaw(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

void RawWsClient::sendFrame(net::WsOpcode opcode, const std::string& payload, bool fin) {
  std::string frame;
  net::appendMaskedFrame(frame, opcode, payload, 0x12345678u, fin);
  sendRaw(frame);
}

bool RawWsClient::receive(RawFrame& frame, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (!input_.empty() && parser_.open()) {
      Collector collector(pending_);
      input_.erase(0, parser_.parse(input_.data(), input_.size(), collector));
    }
    if (!pending_.empty()) {
      frame = std::move(pending_.front());
      pending_.pop_front();
      return true;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd poll{fd_, POLLIN, 0};
    if (::poll(&poll, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[65536];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    input_.append(buffer, static_cast<std::size_t>(n));
  }
}

int RawWsClient::drainUntilClose(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  RawFrame frame;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (!receive(frame, left)) {
      pollfd poll{fd_, POLLIN, 0};
      char byte;
      if (::poll(&poll, 1, 0) > 0 && ::recv(fd_, &byte, 1, MSG_PEEK) == 0) return 1006;
      continue;
    }
    if (frame.opcode == net::WsOpcode::kClose) return frame.closeCode;
  }
  return -1;
}

}  // namespace streamgate::testing
