// Node counters, exported at GET /metrics in the Prometheus text format.
// Counters are relaxed atomics: incremented on hot paths, read rarely.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace streamgate::gateway {

class Metrics {
 public:
  using Counter = std::atomic<std::uint64_t>;

  Counter connectionsOpened{0};
  Counter connectionsClosed{0};
  Counter slowConsumersClosed{0};
  Counter messagesReceived{0};
  Counter protocolErrors{0};
  Counter rateLimited{0};
  Counter framesSent{0};
  Counter chunksDelivered{0};
  Counter chunksAppended{0};
  Counter appendErrors{0};
  Counter publishErrors{0};
  Counter busSubscribes{0};
  Counter busEventsReceived{0};
  Counter busEventsMalformed{0};
  Counter storeReads{0};
  Counter gapsRepaired{0};
  Counter resumes{0};
  Counter streamsStarted{0};
  Counter streamsFinished{0};
  Counter streamsInterrupted{0};
  Counter backendErrors{0};

  // Gauges read at render time (connections, sessions, ...).
  void addGauge(std::string name, std::string help, std::function<double()> read);

  std::string render() const;

 private:
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
  };
  std::vector<Gauge> gauges_;
};

}  // namespace streamgate::gateway
