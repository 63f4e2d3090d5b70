// Real Debian redis-server and Redis Sentinel processes on loopback, for the
// tests that need a real Redis (`*_redistest.cpp`): the Redis plugin's
// contract suites and the fixtures' own checks.
//
// Not thread-safe: drive one fixture from one thread, the one that started it
// (each child is killed when that thread exits, so a crashed or aborted test
// binary leaves no redis-server behind). Every call blocks; the waits are
// bounded by the timeouts given.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace streamgate::testing {

// One redis-server child process (not daemonized, in a process group of its
// own) with a fresh working directory and no persistence.
class RedisServer {
 public:
  struct Options {
    // requirepass and masterauth; empty runs without authentication (sentinels).
    std::string password = "streamgate-test";
    std::uint16_t port = 0;                // 0: freePort(), picked once so restarts keep it
    std::vector<std::string> extraArgs{};  // appended last, e.g. {"--replicaof", "127.0.0.1", "6379"}
    std::filesystem::path configFile{};    // passed first when set (a sentinel needs one)
    // (Every field has an initializer so that designated initializers that
    // name only some of them compile under -Wextra -Werror.)
  };

  // Non-empty, with the way to fix it, when redis-server is not on PATH: tests
  // then GTEST_SKIP() with this message instead of failing.
  static std::string unavailableReason();

  RedisServer() : RedisServer(Options{}) {}
  explicit RedisServer(Options options);
  ~RedisServer();  // stop(), then the working directory is removed

  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Launches the server and waits until an authenticated PING answers PONG.
  // Throws std::runtime_error naming the port, with the tail of the server's
  // log, when it exits or does not answer within the timeout. After stop() it
  // starts again on the same port (the data is gone: nothing is persisted).
  void start(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Sends the signal to the process group and reaps the server; SIGKILL is
  // used after the timeout if it is still there. No-op when not running.
  void stop(int signal = SIGKILL, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // False once the process has exited, whoever stopped it.
  bool isRunning();

  std::uint16_t port() const { return port_; }
  const std::string& password() const { return options_.password; }
  // "redis://127.0.0.1:PORT"; the password is deliberately not in it.
  std::string url() const;

  // One command on a fresh authenticated connection, the reply as text for
  // assertions: strings and status as they are, integers in decimal, nil as
  // "", arrays flattened and joined by '\n', errors as their message (which
  // starts with the error code, e.g. "WRONGTYPE ..."). Throws
  // std::runtime_error when the server cannot be reached.
  std::string command(const std::vector<std::string>& args) const;

  // Everything the server logged so far (its log file, then stdout/stderr).
  std::string log() const;

 private:
  Options options_;
  std::uint16_t port_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

// Runs one command against 127.0.0.1:port, authenticating first when the
// password is non-empty; the reply is rendered as RedisServer::command says.
std::string runRedisCommand(std::uint16_t port, const std::string& password,
                            const std::vector<std::string>& args,
                            std::chrono::milliseconds timeout = std::chrono::seconds(2));

// A master, one replica and three sentinels (quorum 2, down-after 1 s,
// failover-timeout 5 s) watching it; the sentinels take no password.
class SentinelCluster {
 public:
  explicit SentinelCluster(std::string masterName = "streamgate", std::string password = "streamgate-test");
  ~SentinelCluster();

  SentinelCluster(const SentinelCluster&) = delete;
  SentinelCluster& operator=(const SentinelCluster&) = delete;

  // Starts everything and waits until the replica is in sync and every
  // sentinel names the master and knows the replica and the two other
  // sentinels (so a failover can reach quorum at once). Throws
  // std::runtime_error, with the log tail of the laggard, on timeout.
  void start(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  const std::string& masterName() const { return masterName_; }
  const std::string& password() const { return password_; }
  std::uint16_t masterPort() const { return master_.port(); }
  std::uint16_t replicaPort() const { return replica_.port(); }
  std::vector<std::string> sentinelAddresses() const;  // "127.0.0.1:PORT" each

  // The servers as started; after a failover the replica is the master.
  RedisServer& master() { return master_; }
  RedisServer& replica() { return replica_; }

  // Runs a command on sentinel `index` (0..2).
  std::string sentinelCommand(std::size_t index, const std::vector<std::string>& args) const;

  void killMaster();  // SIGKILL, no restart

  // True once a sentinel reports the replica as master and the replica's
  // ROLE says master; false after the timeout.
  bool waitForFailover(std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  std::string masterName_;
  std::string password_;
  RedisServer master_;
  RedisServer replica_;
  std::vector<std::unique_ptr<RedisServer>> sentinels_;
  std::vector<std::filesystem::path> sentinelConfigs_;
};

}  // namespace streamgate::testing
