// A streamgate node run as a child process for integration tests: the real
// binary, a real config file, real sockets on loopback.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace streamgate::testing {

// A free TCP port on 127.0.0.1 (bound once and released; fine for tests).
std::uint16_t freePort();

// Runs the streamgate binary to completion; stdout and stderr are captured.
struct CommandResult {
  int exitCode = -1;
  std::string output;  // stdout
  std::string errors;  // stderr
};
CommandResult runStreamgate(const std::vector<std::string>& args,
                            std::chrono::seconds timeout = std::chrono::seconds(30));

// Writes text to a fresh file under the test temp dir and returns its path.
std::filesystem::path writeTempFile(const std::string& name, const std::string& text);

class NodeProcess {
 public:
  // Starts `streamgate --config <configFile> --port <port> <extraArgs>`.
  NodeProcess(const std::filesystem::path& configFile, std::uint16_t port,
              std::vector<std::string> extraArgs = {});
  ~NodeProcess();  // kills the node if still running

  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  std::uint16_t port() const { return port_; }

  // Polls GET /health until it answers 200; false after the timeout or if the
  // process exited.
  bool waitHealthy(std::chrono::milliseconds timeout = std::chrono::seconds(15));

  // Sends the signal and waits for exit; returns the exit code, or 128+signal
  // when killed by a signal, or -1 on timeout.
  int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(15));

  // Everything the node wrote to stdout and stderr so far.
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::uint16_t port_;
  std::filesystem::path logFile_;
};

// GET http://127.0.0.1:port/path; status 0 when the connection failed.
struct HttpResult {
  int status = 0;
  std::string body;
};
HttpResult httpGet(std::uint16_t port, const std::string& path);
// POST with a JSON body and extra headers.
HttpResult httpPost(std::uint16_t port, const std::string& path, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace streamgate::testing
