// The Kafka test broker (tests/kafka_broker, librdkafka's mock cluster) as a
// child process, for the tests that need Kafka (`*_kafkatest.cpp`). Clients
// reach it with the normal librdkafka API through bootstrapServers(); the
// fixture only adds what a real cluster has no API for: taking brokers down
// and up again.
//
// Not thread-safe: drive one fixture from one thread, the one that started it
// (the child is killed when that thread exits, so a crashed test binary leaves
// no broker behind). Every call blocks; the waits are bounded by the timeouts
// given. Nothing is persisted: a restarted broker is an empty cluster on new
// ports.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

namespace streamgate::testing {

class KafkaBroker {
 public:
  struct Options {
    int brokers = 3;     // ids 1..brokers; topics get replication factor min(3, brokers)
    int partitions = 4;  // of every topic given to start()
  };

  // Non-empty, naming the missing binary and how to build it, when the test
  // broker was not built: tests then GTEST_SKIP() with this message.
  static std::string unavailableReason();

  KafkaBroker() : KafkaBroker(Options{}) {}
  explicit KafkaBroker(Options options);
  ~KafkaBroker();  // stop(SIGKILL)

  KafkaBroker(const KafkaBroker&) = delete;
  KafkaBroker& operator=(const KafkaBroker&) = delete;

  // Launches the broker with these topics created and waits for its
  // bootstrap.servers line. Throws std::runtime_error, with the broker's
  // stderr, when it exits or prints nothing within the timeout.
  void start(const std::vector<std::string>& topics = {},
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // "127.0.0.1:PORT,..." as printed by the broker; empty before start().
  const std::string& bootstrapServers() const { return bootstrapServers_; }

  // Broker `id` (1..brokers, or -1 for all) drops its connections and refuses
  // new ones / accepts them again; partition leadership does not move. Each
  // waits for the broker's `ok` and throws std::runtime_error with its error
  // line (an unknown id, a broker not running) otherwise.
  void setBrokerDown(int id);
  void setBrokerUp(int id);
  // Delays every response of broker `id` by rtt.
  void setBrokerRtt(int id, std::chrono::milliseconds rtt);
  // Metadata for `topic` says it does not exist (the mock would otherwise
  // create any topic a client names).
  void setTopicMissing(const std::string& topic);

  // Sends the signal to the process group and reaps the broker, SIGKILL after
  // the timeout. Returns the exit code, or 128+signal when a signal ended it,
  // or -1 when it was not running. SIGTERM and SIGINT end it with 0.
  int stop(int signal = SIGTERM, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // False once the process has exited, whoever stopped it.
  bool isRunning();

  // The last few KB the broker wrote to stderr (librdkafka's log lines).
  std::string log() const;

 private:
  std::string command(const std::string& line, std::chrono::milliseconds timeout);
  std::string readLine(std::chrono::steady_clock::time_point deadline);
  void closePipes();

  Options options_;
  std::filesystem::path logFile_;
  std::string bootstrapServers_;
  std::string pending_;  // read from the broker's stdout, not yet a whole line
  pid_t pid_ = -1;
  int toBroker_ = -1;    // its stdin
  int fromBroker_ = -1;  // its stdout
};

}  // namespace streamgate::testing
