// One simulated client: a non-blocking socket driven by its worker's epoll
// set. It connects, upgrades (GET /ws, expects 101), waits for the welcome,
// then on request sends one chat and checks the answer as it arrives:
// started, chunks 0..M-1 each once and in order, then complete{totalChunks=M}.
// Every deviation is counted in RunStats; latency comes from the time stamp
// the server puts in front of each chunk's content ("stamp":true).
//
// Not thread-safe: lives on its worker's thread.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "load_options.h"
#include "net/ws_parser.h"
#include "run_stats.h"

namespace streamgate::bench {

class ClientConnection final : private net::WsParserSink {
 public:
  enum class State { kNew, kConnecting, kUpgrading, kOpen, kClosed };

  ClientConnection(const LoadOptions& options, std::string sessionId, RunStats& stats);
  ~ClientConnection() override;
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Starts a non-blocking connect and adds the socket to epollFd (data.ptr =
  // this). False when it failed at once (counted).
  bool connect(int epollFd, const sockaddr_in& address);
  // Readiness reported by epoll for this connection's socket.
  void onEvent(std::uint32_t events);
  // Sends the chat; the connection must be welcomed.
  void sendChat();
  // Closes with a reset: no TIME_WAIT left behind to eat the port range
  // between runs.
  void abort();

  State state() const noexcept { return state_; }
  bool welcomed() const noexcept { return welcomed_; }
  // A terminal arrived, or the connection is gone: nothing more to wait for.
  bool finished() const noexcept { return terminal_ || state_ == State::kClosed; }
  bool chatSent() const noexcept { return chatSent_; }

 private:
  void onConnected();
  void onReadable();
  void handleUpgrade(char* data, std::size_t size);
  void feed(char* data, std::size_t size);
  void handleText(std::string_view json);
  void handleChunk(std::string_view json);
  void handleTerminal(std::string_view type, std::string_view json);
  void send(std::string_view bytes);
  void flush();
  void watch(bool writable);
  void fail(std::string_view why);

  // WsParserSink
  void onMessage(net::WsOpcode opcode, std::string_view payload) override;
  void onPing(std::string_view payload) override;
  void onPong(std::string_view payload) override;
  void onClose(std::uint16_t code, std::string_view reason) override;
  void onProtocolError(std::uint16_t closeCode, std::string_view reason) override;

  const LoadOptions& options_;
  std::string sessionId_;
  RunStats& stats_;
  int fd_ = -1;
  int epollFd_ = -1;
  State state_ = State::kNew;
  bool writable_ = false;  // EPOLLOUT in the interest set
  bool welcomed_ = false;
  bool chatSent_ = false;
  bool terminal_ = false;
  std::int64_t nextIndex_ = 0;
  std::int64_t receivedAtMicros_ = 0;  // wall clock of the read being parsed
  net::WsParser parser_;
  std::string input_;   // an incomplete HTTP answer or frame
  std::string output_;  // bytes the socket did not take yet
};

}  // namespace streamgate::bench
