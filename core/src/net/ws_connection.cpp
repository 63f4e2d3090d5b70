#include "net/ws_connection.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>

namespace streamgate::net {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr int kMaxReadsPerWakeup = 4;  // fairness between the loop's connections
constexpr int kMaxIov = 64;

// One read buffer per loop thread; only incomplete frames are copied out.
char* scratchBuffer() {
  thread_local std::array<char, kReadChunk> buffer;
  return buffer.data();
}

}  // namespace

WsConnection::WsConnection(EventLoop& loop, Poco::Net::StreamSocket socket, std::string id,
                           const WsLimits& limits, WsHandler& handler, std::string greeting,
                           std::function<void(WsConnection*)> onGone)
    : loop_(loop),
      socket_(std::move(socket)),
      fd_(socket_.impl()->sockfd()),
      id_(std::move(id)),
      limits_(limits),
      handler_(handler),
      onGone_(std::move(onGone)),
      parser_(WsParserLimits{limits.maxMessageBytes, true}) {
  queue_.push_back(std::make_shared<const std::string>(std::move(greeting)));
  queuedBytes_ = queue_.front()->size();
}

WsConnection::~WsConnection() = default;

void WsConnection::start() {
  loop_.assertInLoopThread();
  socket_.setBlocking(false);
  socket_.setNoDelay(true);
  lastReceived_ = loop_.now();
  loop_.watch(fd_, true, false, this);
  handler_.onOpen(shared_from_this());
  scheduleFlush();
}

void WsConnection::onReadable() {
  if (state_ == State::kClosed) return;
  auto self = shared_from_this();  // a handler may drop the last reference
  for (int reads = 0; reads < kMaxReadsPerWakeup && state_ != State::kClosed; ++reads) {
    char* scratch = scratchBuffer();
    const ssize_t n = ::recv(fd_, scratch, kReadChunk, 0);
    if (n == 0) {
      terminate(closeCode_);  // peer closed TCP: after a close frame or without one (1006)
      return;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      terminate(1006);
      return;
    }
    lastReceived_ = loop_.now();
    pingOutstanding_ = false;
    if (parser_.closed() || parser_.failed()) continue;  // draining until the peer closes

    if (input_.empty()) {
      const std::size_t used = parser_.parse(scratch, static_cast<std::size_t>(n), *this);
      if (state_ != State::kClosed && used < static_cast<std::size_t>(n))
        input_.assign(scratch + used, n - used);
    } else {
      input_.append(scratch, static_cast<std::size_t>(n));
      const std::size_t used = parser_.parse(input_.data(), input_.size(), *this);
      input_.erase(0, used);
    }
    if (input_.empty() && input_.capacity() > kReadChunk) input_.shrink_to_fit();  // keep idle sockets small
    if (static_cast<std::size_t>(n) < kReadChunk) break;
  }
}

void WsConnection::onWritable() {
  if (state_ == State::kClosed) return;
  auto self = shared_from_this();
  flush();
}

void WsConnection::onHangup() {
  if (state_ == State::kClosed) return;
  auto self = shared_from_this();
  terminate(closeCode_);
}

void WsConnection::onMessage(WsOpcode opcode, std::string_view payload) {
  if (state_ != State::kOpen) return;  // nothing is processed after a close
  handler_.onMessage(shared_from_this(), opcode, payload);
}

void WsConnection::onPing(std::string_view payload) {
  if (state_ == State::kOpen) sendControl(WsOpcode::kPong, payload);
}

void WsConnection::onPong(std::string_view) { pingOutstanding_ = false; }

void WsConnection::onClose(std::uint16_t code, std::string_view) {
  // Either the peer starts the handshake (echo its code) or it answers ours;
  // both ways nothing more will be said, and the socket goes once the queue is out.
  if (state_ == State::kOpen) {
    closeCode_ = code;
    sendClose(code == 1005 ? 0 : code, "");
  }
  closeAfterFlush_ = true;
  scheduleFlush();
}

void WsConnection::onProtocolError(std::uint16_t closeCode, std::string_view reason) {
  if (state_ == State::kOpen) sendClose(closeCode, reason);
  closeCode_ = closeCode;
  closeAfterFlush_ = true;
  scheduleFlush();
}

void WsConnection::send(Frame frame) {
  if (state_ != State::kOpen) return;
  if (queuedBytes_ + frame->size() > limits_.maxSendQueueBytes) {
    // A client that cannot keep up. What it misses stays in the stream store;
    // it reconnects and resumes. Keep a partly written frame whole, drop the rest.
    while (queue_.size() > (headOffset_ > 0 ? 1u : 0u)) {
      queuedBytes_ -= queue_.back()->size();
      queue_.pop_back();
    }
    sendClose(ws_close::kTryAgainLater, "send queue full");
    return;
  }
  enqueue(std::move(frame));
}

void WsConnection::sendText(std::string_view payload) {
  send(std::make_shared<const std::string>(encodeFrame(WsOpcode::kText, payload)));
}

void WsConnection::close(std::uint16_t code, std::string_view reason) {
  if (state_ != State::kOpen) return;
  sendClose(code, reason);
}

void WsConnection::sendControl(WsOpcode opcode, std::string_view payload) {
  enqueue(std::make_shared<const std::string>(encodeFrame(opcode, payload)));
}

void WsConnection::sendClose(std::uint16_t code, std::string_view reason) {
  enqueue(std::make_shared<const std::string>(code == 0 ? encodeFrame(WsOpcode::kClose, "")
                                                        : encodeClose(code, reason)));
  if (code != 0) closeCode_ = code;
  state_ = State::kClosing;
  closingSince_ = loop_.now();
}

void WsConnection::enqueue(Frame frame) {
  queuedBytes_ += frame->size();
  queue_.push_back(std::move(frame));
  scheduleFlush();
}

void WsConnection::scheduleFlush() {
  if (flushScheduled_ || state_ == State::kClosed) return;
  flushScheduled_ = true;
  // The pending flush keeps the connection alive through flushHold_, so the
  // task captures only `this`: small enough for std::function to hold
  // without allocating, once per connection per busy turn.
  flushHold_ = shared_from_this();
  loop_.atTurnEnd([this] {
    const auto self = std::move(flushHold_);
    flushScheduled_ = false;
    flush();
  });
}

void WsConnection::flush() {
  if (state_ == State::kClosed) return;
  while (!queue_.empty()) {
    std::array<iovec, kMaxIov> iov;
    int count = 0;
    for (auto it = queue_.begin(); it != queue_.end() && count < kMaxIov; ++it, ++count) {
      const std::size_t skip = count == 0 ? headOffset_ : 0;
      iov[count].iov_base = const_cast<char*>((*it)->data() + skip);
      iov[count].iov_len = (*it)->size() - skip;
    }
    const ssize_t written = ::writev(fd_, iov.data(), count);
    if (written < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      terminate(1006);
      return;
    }
    std::size_t left = static_cast<std::size_t>(written);
    queuedBytes_ -= left;
    while (left > 0) {
      const std::size_t remaining = queue_.front()->size() - headOffset_;
      if (left < remaining) {
        headOffset_ += left;
        break;
      }
      left -= remaining;
      headOffset_ = 0;
      queue_.pop_front();
    }
    if (!queue_.empty() && headOffset_ > 0) break;  // socket buffer full
  }
  if (queue_.empty() && closeAfterFlush_) {
    // RFC 6455 7.1.1: the server closes the TCP connection first.
    terminate(closeCode_);
    return;
  }
  const bool want = !queue_.empty();
  if (want != wantWritable_) {
    wantWritable_ = want;
    loop_.modify(fd_, true, want, this);
  }
}

void WsConnection::checkTimeouts(EventLoop::Clock::time_point now) {
  if (state_ == State::kClosing) {
    if (now - closingSince_ >= limits_.closeTimeout) terminate(closeCode_);
    return;
  }
  if (state_ != State::kOpen) return;
  const auto silent = now - lastReceived_;
  if (silent >= limits_.idleTimeout) {
    close(ws_close::kGoingAway, "idle timeout");
  } else if (silent >= limits_.pingInterval && !pingOutstanding_) {
    pingOutstanding_ = true;
    sendControl(WsOpcode::kPing, "");
  }
}

void WsConnection::terminate(std::uint16_t code) {
  if (state_ == State::kClosed) return;
  auto self = shared_from_this();
  state_ = State::kClosed;
  loop_.unwatch(fd_);
  socket_.close();
  queue_.clear();
  queuedBytes_ = 0;
  handler_.onClosed(self, code);
  if (onGone_) onGone_(this);
  // The loop may still hold this handler for other events of the current
  // turn: stay alive until the turn is over.
  loop_.atTurnEnd([self] {});
}

}  // namespace streamgate::net
