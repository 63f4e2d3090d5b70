// A throwaway redis-server for one benchmark: started on a free 127.0.0.1
// port with no persistence (--save "" --appendonly no), killed with its
// process group when this object goes (or when the bench dies: the child
// asks the kernel for SIGKILL when its parent exits).
//
// Not thread-safe; every call blocks (start waits up to 10 s for PONG).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace streamgate::bench {

class LocalRedisServer {
 public:
  // Throws std::runtime_error naming the program and port, with the log
  // tail, when the server does not answer.
  explicit LocalRedisServer(const std::string& program);
  ~LocalRedisServer();

  LocalRedisServer(const LocalRedisServer&) = delete;
  LocalRedisServer& operator=(const LocalRedisServer&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  void stop();

  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace streamgate::bench
