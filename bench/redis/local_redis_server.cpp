#include "local_redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "redis_probe.h"

namespace streamgate::bench {
namespace {

std::uint16_t freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                     getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  close(fd);
  if (!bound) throw std::runtime_error(std::string("no free loopback port: ") + std::strerror(errno));
  return ntohs(address.sin_port);
}

std::string logTail(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

}  // namespace

LocalRedisServer::LocalRedisServer(const std::string& program) {
  std::string pattern = (std::filesystem::temp_directory_path() / "streamgate-redis-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("cannot create a temp dir from " + pattern + ": " + std::strerror(errno));
  }
  dir_ = pattern;
  port_ = freePort();
  const std::filesystem::path log = dir_ / "redis.log";
  std::vector<std::string> args = {program,       "--port",    std::to_string(port_), "--bind", "127.0.0.1",
                                   "--save",      "",          "--appendonly",        "no",     "--dir",
                                   dir_.string(), "--logfile", log.string()};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    // Only async-signal-safe calls here.
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    const int devNull = open("/dev/null", O_RDWR);
    if (devNull >= 0) {
      dup2(devNull, STDIN_FILENO);
      dup2(devNull, STDOUT_FILENO);
    }
    execvp(argv[0], argv.data());
    _exit(127);
  }
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  setpgid(pid_, pid_);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!redisPing("127.0.0.1", port_, "")) {
    std::string failure;
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      failure = " exited at start (is redis-server installed? apt-get install redis-server): ";
    } else if (std::chrono::steady_clock::now() > deadline) {
      failure = " did not answer PING in 10 s: ";
    }
    if (!failure.empty()) {
      const std::string message = program + " on port " + std::to_string(port_) + failure + logTail(log);
      stop();  // a throwing constructor runs no destructor
      throw std::runtime_error(message);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

LocalRedisServer::~LocalRedisServer() { stop(); }

void LocalRedisServer::stop() {
  if (pid_ > 0) {
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  dir_.clear();
}

}  // namespace streamgate::bench
