#include "client_connection.h"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>

#include "frame_scan.h"
#include "net/ws_frame.h"

namespace streamgate::bench {
namespace {

constexpr std::size_t kReadChunk = 256 * 1024;
constexpr int kMaxReadsPerEvent = 8;  // fairness between the worker's connections
constexpr std::size_t kMaxUpgradeAnswer = 16 * 1024;
// The sample key of RFC 6455 section 1.3 and the answer it must get: a fixed
// key is enough for a load test, and checking the answer still proves the
// server computed it.
constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view kAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

char* scratchBuffer() {
  thread_local std::array<char, kReadChunk> buffer;
  return buffer.data();
}

std::uint32_t maskKey() {
  thread_local std::minstd_rand random(std::random_device{}());
  return static_cast<std::uint32_t>(random());
}

std::int64_t wallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool isTerminal(std::string_view type) {
  return type == "complete" || type == "cancelled" || type == "failed" || type == "interrupted";
}

bool containsNoCase(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() && std::tolower(static_cast<unsigned char>(haystack[i + k])) ==
                                    std::tolower(static_cast<unsigned char>(needle[k])))
      ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

}  // namespace

ClientConnection::ClientConnection(const LoadOptions& options, std::string sessionId, RunStats& stats)
    : options_(options),
      sessionId_(std::move(sessionId)),
      stats_(stats),
      parser_(net::WsParserLimits{64 * 1024 * 1024, false}) {}

ClientConnection::~ClientConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool ClientConnection::connect(int epollFd, const sockaddr_in& address) {
  epollFd_ = epollFd;
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    fail(std::string("socket: ") + std::strerror(errno));
    return false;
  }
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 &&
      errno != EINPROGRESS) {
    fail(std::string("connect: ") + std::strerror(errno));
    return false;
  }
  state_ = State::kConnecting;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT;
  event.data.ptr = this;
  writable_ = true;
  if (epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd_, &event) != 0) {
    fail(std::string("epoll_ctl: ") + std::strerror(errno));
    return false;
  }
  return true;
}

void ClientConnection::onEvent(std::uint32_t events) {
  if (state_ == State::kClosed) return;
  if (state_ == State::kConnecting) {
    if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) onConnected();
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) onReadable();
  if (state_ != State::kClosed && (events & EPOLLOUT)) flush();
}

void ClientConnection::onConnected() {
  int error = 0;
  socklen_t length = sizeof error;
  getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length);
  if (error != 0) {
    fail(std::string("connect: ") + std::strerror(error));
    return;
  }
  ++stats_.connected;
  state_ = State::kUpgrading;
  watch(false);
  std::string request = "GET " + options_.path + " HTTP/1.1\r\nHost: " + options_.host + ":" +
                        std::to_string(options_.port) +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ";
  request += kKey;
  request += "\r\nSec-WebSocket-Version: 13\r\n\r\n";
  send(request);
}

void ClientConnection::onReadable() {
  for (int reads = 0; reads < kMaxReadsPerEvent && state_ != State::kClosed; ++reads) {
    char* scratch = scratchBuffer();
    const ssize_t n = ::recv(fd_, scratch, kReadChunk, 0);
    if (n == 0) {
      fail("server closed the connection");
      return;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR) continue;
      fail(std::string("recv: ") + std::strerror(errno));
      return;
    }
    stats_.bytesReceived += n;
    receivedAtMicros_ = wallMicros();
    const auto size = static_cast<std::size_t>(n);
    if (state_ == State::kUpgrading) {
      handleUpgrade(scratch, size);
    } else {
      feed(scratch, size);
    }
    if (size < kReadChunk) return;
  }
}

void ClientConnection::handleUpgrade(char* data, std::size_t size) {
  input_.append(data, size);
  const std::size_t end = input_.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (input_.size() > kMaxUpgradeAnswer) fail("upgrade answer too long");
    return;
  }
  const std::string_view head(input_.data(), end);
  if (head.substr(0, 13) != "HTTP/1.1 101 ") {
    fail("upgrade refused: " + std::string(head.substr(0, head.find('\r'))));
    return;
  }
  if (!containsNoCase(head, "\r\nSec-WebSocket-Accept: ") || head.find(kAccept) == std::string_view::npos) {
    fail("upgrade answer without the right Sec-WebSocket-Accept");
    return;
  }
  state_ = State::kOpen;
  std::string rest = input_.substr(end + 4);
  input_.clear();
  if (!rest.empty()) feed(rest.data(), rest.size());
}

void ClientConnection::feed(char* data, std::size_t size) {
  if (input_.empty()) {
    const std::size_t used = parser_.parse(data, size, *this);
    if (state_ != State::kClosed && used < size) input_.assign(data + used, size - used);
  } else {
    input_.append(data, size);
    const std::size_t used = parser_.parse(input_.data(), input_.size(), *this);
    if (state_ != State::kClosed) input_.erase(0, used);
  }
}

void ClientConnection::onMessage(net::WsOpcode opcode, std::string_view payload) {
  ++stats_.framesReceived;
  if (opcode != net::WsOpcode::kText) {
    ++stats_.unparsable;
    stats_.noteError("binary frame from the server");
    return;
  }
  handleText(payload);
}

void ClientConnection::handleText(std::string_view json) {
  const std::string_view type = frameType(json);
  if (type == "chunk") {
    handleChunk(json);
  } else if (type == "welcome") {
    if (!welcomed_) {
      welcomed_ = true;
      ++stats_.welcomed;
    }
  } else if (type == "started") {
    if (terminal_) ++stats_.afterTerminal;
    ++stats_.started;
  } else if (isTerminal(type)) {
    handleTerminal(type, json);
  } else if (type == "error") {
    ++stats_.errorFrames;
    stats_.noteError(std::string(json));
  }
  // Anything else (pong, subscribed) is not part of what is measured.
}

void ClientConnection::handleChunk(std::string_view json) {
  ++stats_.chunks;
  if (terminal_) {
    ++stats_.afterTerminal;
    return;
  }
  const auto index = intField(json, "index");
  const auto content = stringField(json, "content");
  const auto stamp = content ? leadingNumber(*content) : std::nullopt;
  if (!index || !stamp) {
    ++stats_.unparsable;
    stats_.noteError("chunk without index or stamp: " + std::string(json));
    return;
  }
  if (*index != nextIndex_) {
    ++stats_.outOfOrder;
    stats_.noteError(sessionId_ + ": chunk " + std::to_string(*index) + " where " +
                     std::to_string(nextIndex_) + " was due");
    // Resynchronise so one gap counts once, not once per later chunk.
    if (*index > nextIndex_) nextIndex_ = *index + 1;
    return;
  }
  ++nextIndex_;
  stats_.latency.record(receivedAtMicros_ - *stamp);
}

void ClientConnection::handleTerminal(std::string_view type, std::string_view json) {
  if (terminal_) {
    ++stats_.afterTerminal;
    return;
  }
  terminal_ = true;
  stats_.lastTerminal = SteadyClock::now();
  const auto total = intField(json, "totalChunks");
  if (type != "complete" || !total || *total != options_.chunks || nextIndex_ != options_.chunks) {
    ++stats_.badTerminal;
    stats_.noteError(sessionId_ + ": " + std::string(json) + " after " + std::to_string(nextIndex_) +
                     " chunks");
    return;
  }
  ++stats_.completed;
}

void ClientConnection::sendChat() {
  if (state_ != State::kOpen || chatSent_) return;
  chatSent_ = true;
  ++stats_.chatsSent;
  std::string json = R"({"type":"chat","sessionId":")" + sessionId_ +
                     R"(","requestId":"r1","content":"bench","demo":{"chunks":)" +
                     std::to_string(options_.chunks) + R"(,"intervalMs":)" +
                     std::to_string(options_.intervalMs) + R"(,"stamp":true}})";
  std::string frame;
  net::appendMaskedFrame(frame, net::WsOpcode::kText, json, maskKey());
  send(frame);
}

void ClientConnection::onPing(std::string_view payload) {
  std::string frame;
  net::appendMaskedFrame(frame, net::WsOpcode::kPong, payload, maskKey());
  send(frame);
}

void ClientConnection::onPong(std::string_view) {}

void ClientConnection::onClose(std::uint16_t code, std::string_view reason) {
  fail("server closed with " + std::to_string(code) + " " + std::string(reason));
}

void ClientConnection::onProtocolError(std::uint16_t closeCode, std::string_view reason) {
  ++stats_.unparsable;
  fail("bad frame from the server (" + std::to_string(closeCode) + "): " + std::string(reason));
}

void ClientConnection::send(std::string_view bytes) {
  if (state_ == State::kClosed) return;
  if (!output_.empty()) {
    output_.append(bytes);
    return;
  }
  const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    fail(std::string("send: ") + std::strerror(errno));
    return;
  }
  const std::size_t sent = n < 0 ? 0 : static_cast<std::size_t>(n);
  if (sent < bytes.size()) {
    output_.assign(bytes.substr(sent));
    watch(true);
  }
}

void ClientConnection::flush() {
  while (!output_.empty()) {
    const ssize_t n = ::send(fd_, output_.data(), output_.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      fail(std::string("send: ") + std::strerror(errno));
      return;
    }
    output_.erase(0, static_cast<std::size_t>(n));
  }
  watch(false);
}

void ClientConnection::watch(bool writable) {
  if (writable == writable_ || fd_ < 0) return;
  writable_ = writable;
  epoll_event event{};
  event.events = EPOLLIN | (writable ? EPOLLOUT : 0u);
  event.data.ptr = this;
  epoll_ctl(epollFd_, EPOLL_CTL_MOD, fd_, &event);
}

void ClientConnection::fail(std::string_view why) {
  if (state_ == State::kClosed) return;
  if (state_ == State::kOpen && welcomed_) {
    // Lost after the welcome: the stream (if any) did not end properly.
    if (!terminal_) ++stats_.closedEarly;
  } else {
    ++stats_.connectFailures;
  }
  stats_.noteError(sessionId_ + ": " + std::string(why));
  abort();
}

void ClientConnection::abort() {
  state_ = State::kClosed;
  if (fd_ < 0) return;
  const linger reset{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  if (epollFd_ >= 0) epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd_, nullptr);
  ::close(fd_);
  fd_ = -1;
  input_.clear();
  output_.clear();
}

}  // namespace streamgate::bench
