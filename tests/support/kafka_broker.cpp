#include "kafka_broker.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "child_process.h"
#include "node_process.h"

namespace streamgate::testing {
namespace {

constexpr std::size_t kLogTailChars = 4000;
constexpr const char* kBootstrapPrefix = "bootstrap.servers=";

const std::filesystem::path kProgram = STREAMGATE_KAFKA_TEST_BROKER;

// Writes all of text; false when the reader is gone. SIGPIPE is blocked for
// the write and a pending one swallowed, so a broker that died does not take
// the test binary with it.
bool writeAll(int fd, const std::string& text) {
  sigset_t pipeSignal;
  sigset_t previous;
  sigemptyset(&pipeSignal);
  sigaddset(&pipeSignal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous);
  bool written = true;
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      written = false;
      if (errno == EPIPE) {
        const timespec now{};
        sigtimedwait(&pipeSignal, nullptr, &now);
      }
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return written;
}

// The broker reads commands from toChild and answers on fromChild; its stderr
// goes to logFile.
pid_t spawn(const std::vector<std::string>& args, const std::filesystem::path& logFile, int& toChild,
            int& fromChild) {
  std::vector<std::string> argv = {kProgram.string()};
  argv.insert(argv.end(), args.begin(), args.end());

  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  if (pipe2(out, O_CLOEXEC) != 0) {
    const std::string error = std::strerror(errno);
    close(in[0]);
    close(in[1]);
    throw std::runtime_error("pipe2: " + error);
  }
  const int log = open(logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const auto closeAll = [&] {
    for (const int fd : {in[0], in[1], out[0], out[1], log}) {
      if (fd >= 0) close(fd);
    }
  };
  if (log < 0) {
    const std::string error = std::strerror(errno);
    closeAll();
    throw std::runtime_error("cannot open " + logFile.string() + ": " + error);
  }

  pid_t pid = -1;
  try {
    pid = spawnChild(argv, in[0], out[1], log);
  } catch (...) {
    closeAll();
    throw;
  }
  close(in[0]);
  close(out[1]);
  close(log);
  toChild = in[1];
  fromChild = out[0];
  return pid;
}

}  // namespace

std::string KafkaBroker::unavailableReason() {
  if (access(kProgram.c_str(), X_OK) == 0) return {};
  return "Kafka test broker " + kProgram.string() +
         " not found; build the streamgate-kafka-test-broker target (scripts/setup.sh --for-tests builds "
         "everything)";
}

KafkaBroker::KafkaBroker(Options options)
    : options_(options), logFile_(writeTempFile("kafka-test-broker.log", "")) {}

KafkaBroker::~KafkaBroker() {
  stop(SIGKILL);
  std::error_code ignored;
  std::filesystem::remove(logFile_, ignored);
}

void KafkaBroker::start(const std::vector<std::string>& topics, std::chrono::milliseconds timeout) {
  if (isRunning())
    throw std::runtime_error("Kafka test broker " + bootstrapServers_ + ": start() while running");
  if (const auto reason = unavailableReason(); !reason.empty()) throw std::runtime_error(reason);

  std::vector<std::string> args = {"--brokers", std::to_string(options_.brokers), "--partitions",
                                   std::to_string(options_.partitions)};
  for (const auto& topic : topics) args.insert(args.end(), {"--topic", topic});
  pending_.clear();
  bootstrapServers_.clear();
  pid_ = spawn(args, logFile_, toBroker_, fromBroker_);

  std::string line;
  try {
    line = readLine(std::chrono::steady_clock::now() + timeout);
  } catch (const std::runtime_error& error) {
    stop(SIGKILL);
    throw std::runtime_error(std::string(error.what()) + " during start-up; stderr:\n" + log());
  }
  if (line.rfind(kBootstrapPrefix, 0) != 0 || line.size() == std::strlen(kBootstrapPrefix)) {
    stop(SIGKILL);
    throw std::runtime_error("Kafka test broker printed '" + line + "' instead of " + kBootstrapPrefix +
                             "...; stderr:\n" + log());
  }
  bootstrapServers_ = line.substr(std::strlen(kBootstrapPrefix));
}

void KafkaBroker::setBrokerDown(int id) { command("down " + std::to_string(id), std::chrono::seconds(10)); }

void KafkaBroker::setBrokerUp(int id) { command("up " + std::to_string(id), std::chrono::seconds(10)); }

void KafkaBroker::setBrokerRtt(int id, std::chrono::milliseconds rtt) {
  command("rtt " + std::to_string(id) + " " + std::to_string(rtt.count()), std::chrono::seconds(10));
}

void KafkaBroker::setTopicMissing(const std::string& topic) {
  command("missing " + topic, std::chrono::seconds(10));
}

std::string KafkaBroker::command(const std::string& line, std::chrono::milliseconds timeout) {
  const std::string what = "Kafka test broker " + bootstrapServers_ + ": " + line;
  if (!isRunning()) throw std::runtime_error(what + ": the broker is not running");
  if (!writeAll(toBroker_, line + "\n")) throw std::runtime_error(what + ": cannot write the command");
  const std::string reply = readLine(std::chrono::steady_clock::now() + timeout);
  if (reply != "ok") throw std::runtime_error(what + ": " + reply);
  return reply;
}

std::string KafkaBroker::readLine(std::chrono::steady_clock::time_point deadline) {
  while (true) {
    if (const auto end = pending_.find('\n'); end != std::string::npos) {
      std::string line = pending_.substr(0, end);
      pending_.erase(0, end + 1);
      return line;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("Kafka test broker did not answer in time");
    pollfd fd{fromBroker_, POLLIN, 0};
    const int ready = poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0)
      throw std::runtime_error(std::string("poll on the Kafka test broker: ") + std::strerror(errno));
    if (ready == 0) continue;
    char buffer[4096];
    const ssize_t got = read(fromBroker_, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) throw std::runtime_error("Kafka test broker closed its stdout (exited?)");
    pending_.append(buffer, static_cast<std::size_t>(got));
  }
}

int KafkaBroker::stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) {
    closePipes();
    return -1;
  }
  const int exitCode = stopChild(pid_, signal, timeout);
  pid_ = -1;
  closePipes();
  return exitCode;
}

bool KafkaBroker::isRunning() {
  if (pid_ <= 0) return false;
  if (waitpid(pid_, nullptr, WNOHANG) != pid_) return true;
  pid_ = -1;
  return false;
}

std::string KafkaBroker::log() const {
  std::ifstream in(logFile_);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  return all.size() > kLogTailChars ? "..." + all.substr(all.size() - kLogTailChars) : all;
}

void KafkaBroker::closePipes() {
  if (toBroker_ >= 0) close(toBroker_);
  if (fromBroker_ >= 0) close(fromBroker_);
  toBroker_ = fromBroker_ = -1;
}

}  // namespace streamgate::testing
