// streamgate-kafka-test-broker: a TEST STAND-IN for a Kafka cluster, not a
// production broker. It is librdkafka's mock cluster (rdkafka_mock.h) in one
// process: real Kafka protocol over TCP on 127.0.0.1, but nothing is
// persisted, there is no replication between processes, and everything is
// gone when it exits. Debian has no Kafka broker package; tests and
// `scripts/run.sh --kafka` use this instead (DESIGN.md section 8).
//
//   streamgate-kafka-test-broker [--brokers N] [--partitions P] [--topic NAME]...
//
// Prints `bootstrap.servers=<host:port,...>` once on stdout, then serves until
// SIGTERM or SIGINT (exit 0). Control commands on stdin, one per line, each
// answered `ok` or `error: ...` on stdout:
//   down <brokerId>      close the broker's connections and refuse new ones
//   up <brokerId>        accept connections again
//   rtt <brokerId> <ms>  delay every response by ms
//   missing <topic>      answer metadata for the topic with "unknown topic"
// (brokerId 1..N, or -1 for all; leadership does not move when one is down.)
// End of stdin only ends the commands, never the broker: scripts start it with
// stdin from /dev/null.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr const char* kUsage =
    "usage: streamgate-kafka-test-broker [--brokers N] [--partitions P] [--topic NAME]...\n"
    "A test stand-in for a Kafka cluster (librdkafka's mock cluster, no persistence).\n"
    "  --brokers N     brokers in the cluster, ids 1..N (default 3)\n"
    "  --partitions P  partitions of every --topic (default 4)\n"
    "  --topic NAME    create NAME with replication factor min(3, N); repeatable\n"
    "Prints bootstrap.servers=... and serves until SIGTERM/SIGINT.\n"
    "Commands on stdin: down <id>, up <id>, rtt <id> <ms> (id -1: all brokers), missing <topic>.\n";

struct Options {
  int brokers = 3;
  int partitions = 4;
  std::vector<std::string> topics;
};

std::optional<int> parsePositive(const std::string& text) {
  try {
    std::size_t used = 0;
    const int value = std::stoi(text, &used);
    if (used == text.size() && value > 0) return value;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// Exits with 0 for --help and 2 for a bad command line.
Options parseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    }
    if ((arg == "--brokers" || arg == "--partitions" || arg == "--topic") && i + 1 < argc) {
      const std::string value = argv[++i];
      if (arg == "--topic") {
        options.topics.push_back(value);
        continue;
      }
      const auto number = parsePositive(value);
      if (!number) {
        std::cerr << "streamgate-kafka-test-broker: " << arg << " wants a positive number, not '" << value
                  << "'\n";
        std::exit(2);
      }
      (arg == "--brokers" ? options.brokers : options.partitions) = *number;
      continue;
    }
    std::cerr << "streamgate-kafka-test-broker: unknown or incomplete argument '" << arg << "'\n" << kUsage;
    std::exit(2);
  }
  return options;
}

// One stdin line to one reply line.
std::string runCommand(rd_kafka_mock_cluster_t* cluster, const std::string& line) {
  std::istringstream in(line);
  std::string verb;
  int broker = 0;
  if (!(in >> verb)) return "error: empty command";
  if (verb == "missing") {
    // Metadata then says the topic does not exist (instead of creating it).
    std::string topic;
    if (!(in >> topic)) return "error: missing wants a topic name";
    rd_kafka_mock_topic_set_error(cluster, topic.c_str(), RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
    return "ok";
  }
  if (!(in >> broker)) return "error: " + verb + " wants a broker id";
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  if (verb == "down") {
    err = rd_kafka_mock_broker_set_down(cluster, broker);
  } else if (verb == "up") {
    err = rd_kafka_mock_broker_set_up(cluster, broker);
  } else if (verb == "rtt") {
    int ms = 0;
    if (!(in >> ms) || ms < 0) return "error: rtt wants a broker id and milliseconds >= 0";
    err = rd_kafka_mock_broker_set_rtt(cluster, broker, ms);
  } else {
    return "error: unknown command '" + verb + "' (down, up, rtt, missing)";
  }
  if (std::string rest; in >> rest) return "error: unexpected '" + rest + "' after " + verb;
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return "error: " + verb + " broker " + std::to_string(broker) + ": " + rd_kafka_err2str(err);
  }
  return "ok";
}

void reply(const std::string& text) {
  std::fputs((text + "\n").c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parseOptions(argc, argv);

  // Blocked before librdkafka starts its threads, so they inherit the mask and
  // the signals are only ever read from the signalfd below. A reader of our
  // stdout that goes away must not kill the cluster either.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  const int signals = signalfd(-1, &stopSignals, SFD_CLOEXEC);
  if (signals < 0) {
    std::perror("streamgate-kafka-test-broker: signalfd");
    return 1;
  }

  // The mock cluster needs a client handle for its bookkeeping; this producer
  // never sends anything. No bootstrap.servers, so it logs nothing about them.
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", error, sizeof error);
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (handle == nullptr) {
    std::cerr << "streamgate-kafka-test-broker: rd_kafka_new: " << error << "\n";
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(handle, options.brokers);
  if (cluster == nullptr) {
    std::cerr << "streamgate-kafka-test-broker: cannot create a mock cluster of " << options.brokers
              << " brokers\n";
    rd_kafka_destroy(handle);
    return 1;
  }
  const int replication = std::min(3, options.brokers);
  for (const auto& topic : options.topics) {
    const auto err = rd_kafka_mock_topic_create(cluster, topic.c_str(), options.partitions, replication);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::cerr << "streamgate-kafka-test-broker: topic " << topic << ": " << rd_kafka_err2str(err) << "\n";
      rd_kafka_mock_cluster_destroy(cluster);
      rd_kafka_destroy(handle);
      return 1;
    }
  }
  reply(std::string("bootstrap.servers=") + rd_kafka_mock_cluster_bootstraps(cluster));

  // One thread: stdin and the signalfd in a poll loop. stdin drops out of
  // the set at EOF (or error); the signals stay.
  pollfd fds[2] = {{signals, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
  nfds_t watched = 2;
  std::string pending;
  while (true) {
    if (poll(fds, watched, -1) < 0) {
      if (errno == EINTR) continue;
      std::perror("streamgate-kafka-test-broker: poll");
      break;
    }
    if (fds[0].revents & POLLIN) break;
    if (watched == 2 && fds[1].revents != 0) {
      char buffer[4096];
      const ssize_t got = read(STDIN_FILENO, buffer, sizeof buffer);
      if (got <= 0) {
        if (got < 0 && errno == EINTR) continue;
        watched = 1;
        continue;
      }
      pending.append(buffer, static_cast<std::size_t>(got));
      for (std::size_t end; (end = pending.find('\n')) != std::string::npos;) {
        std::string line = pending.substr(0, end);
        pending.erase(0, end + 1);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        reply(runCommand(cluster, line));
      }
    }
  }

  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(handle);
  close(signals);
  return 0;
}
