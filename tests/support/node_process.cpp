#include "node_process.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace streamgate::testing {
namespace {

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path uniqueTempPath(const std::string& stem) {
  static std::atomic<int> counter{0};
  return std::filesystem::path(::testing::TempDir()) /
         (stem + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
}

// posix_spawn of the streamgate binary with stdout/stderr sent to files.
pid_t spawnStreamgate(const std::vector<std::string>& args, const std::filesystem::path& out,
                      const std::filesystem::path& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> argv = {STREAMGATE_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (auto& arg : argv) raw.push_back(arg.data());
  raw.push_back(nullptr);
  pid_t pid = -1;
  const int error = posix_spawn(&pid, STREAMGATE_BINARY, &actions, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(error, 0) << "cannot spawn " << STREAMGATE_BINARY;
  return error == 0 ? pid : -1;
}

// waitpid with a deadline; -1 on timeout.
int waitExit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (std::chrono::steady_clock::now() > deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

std::uint16_t freePort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  return socket.address().port();
}

std::filesystem::path writeTempFile(const std::string& name, const std::string& text) {
  const auto path = uniqueTempPath(name);
  std::ofstream(path) << text;
  return path;
}

CommandResult runStreamgate(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  const auto out = uniqueTempPath("stdout");
  const auto err = uniqueTempPath("stderr");
  CommandResult result;
  const pid_t pid = spawnStreamgate(args, out, err);
  if (pid < 0) return result;
  result.exitCode = waitExit(pid, timeout);
  if (result.exitCode == -1) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    ADD_FAILURE() << "streamgate did not exit within " << timeout.count() << "s";
  }
  result.output = readFile(out);
  result.errors = readFile(err);
  return result;
}

NodeProcess::NodeProcess(const std::filesystem::path& configFile, std::uint16_t port,
                         std::vector<std::string> extraArgs)
    : port_(port), logFile_(uniqueTempPath("node-log")) {
  std::vector<std::string> args = {"--config", configFile.string(), "--port", std::to_string(port)};
  args.insert(args.end(), extraArgs.begin(), extraArgs.end());
  pid_ = spawnStreamgate(args, logFile_, logFile_);
}

NodeProcess::~NodeProcess() {
  if (pid_ > 0) stop(SIGKILL);
}

bool NodeProcess::waitHealthy(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pid_ <= 0 || waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    if (httpGet(port_, "/health").status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

int NodeProcess::stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  const int code = waitExit(pid_, timeout);
  if (code == -1) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
  return code;
}

std::string NodeProcess::log() const { return readFile(logFile_); }

namespace {

HttpResult httpRequest(std::uint16_t port, const std::string& method, const std::string& path,
                       const std::string* body,
                       const std::vector<std::pair<std::string, std::string>>& headers) {
  HttpResult result;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (body != nullptr) {
      request.setContentType("application/json");
      request.setContentLength(static_cast<std::streamsize>(body->size()));
      session.sendRequest(request) << *body;
    } else {
      session.sendRequest(request);
    }
    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    Poco::StreamCopier::copyToString(body, result.body);
    result.status = static_cast<int>(response.getStatus());
  } catch (const Poco::Exception&) {
    result.status = 0;
  }
  return result;
}

}  // namespace

HttpResult httpGet(std::uint16_t port, const std::string& path) {
  return httpRequest(port, Poco::Net::HTTPRequest::HTTP_GET, path, nullptr, {});
}

HttpResult httpPost(std::uint16_t port, const std::string& path, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers) {
  return httpRequest(port, Poco::Net::HTTPRequest::HTTP_POST, path, &body, headers);
}

}  // namespace streamgate::testing
