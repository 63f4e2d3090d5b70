// One hiredis connection, used by one thread at a time: the blocking client
// API with socket timeouts, so a silent server costs at most
// command_timeout. Opening it does the whole handshake: connect, AUTH,
// SELECT, optionally ROLE (Sentinel's rule: check what you were sent to) and
// loading the Lua scripts.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "redis_reply.h"
#include "streamgate/host_port.h"
#include "streamgate/status.h"

namespace streamgate::redis {

struct LuaScript;

struct ConnectionOptions {
  HostPort address;
  std::string username;
  std::string password;
  int db = 0;
  std::chrono::milliseconds connectTimeout{1000};
  std::chrono::milliseconds commandTimeout{2000};
  bool requireMaster = false;                       // verify ROLE says master
  const std::vector<LuaScript>* scripts = nullptr;  // loaded when set
};

class RedisConnection {
 public:
  // kUnavailable naming the address and what failed.
  static Expected<std::unique_ptr<RedisConnection>> open(const ConnectionOptions& options);
  ~RedisConnection();

  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  const HostPort& address() const { return address_; }
  int fd() const;

  // One command, waiting for its reply (handshakes, Sentinel queries).
  Expected<ReplyPtr> call(const std::vector<std::string_view>& argv);

  // Pipelining: queue commands in the output buffer, then take their
  // replies in order. receive() flushes the buffer first. Any error leaves
  // the connection unusable: drop it.
  void send(const std::vector<std::string_view>& argv);
  Status flush();
  Expected<ReplyPtr> receive();
  // A reply already read and parsed, without touching the socket; null when none.
  Expected<ReplyPtr> buffered();
  // Reads what the socket has (non-blocking use after poll()); replies then come from buffered().
  Status readAvailable();

  // True when the server closed the connection or sent something unasked:
  // checked before a batch goes down a connection that sat idle, so a
  // restart of the server costs a reconnect, not the batch.
  bool peerClosed() const;

  // The SHA1 of scripts[index] as this server knows it.
  const std::string& scriptSha(std::size_t index) const { return shas_[index]; }
  Status loadScripts(const std::vector<LuaScript>& scripts);

  // "redis 127.0.0.1:6379: <what>" as kUnavailable, or kTimeout when the
  // socket timed out.
  Status failure(std::string_view what) const;

 private:
  RedisConnection(redisContext* context, HostPort address);

  redisContext* context_;
  HostPort address_;
  std::vector<std::string> shas_;
};

// Turns an error reply into a Status: not-the-master and not-ready replies
// (READONLY, LOADING, MASTERDOWN...) are kUnavailable, the rest kInternal.
Status errorReply(const HostPort& address, std::string_view message);
// True for replies that mean this connection talks to the wrong server now.
bool meansNotMaster(std::string_view errorMessage);

}  // namespace streamgate::redis
