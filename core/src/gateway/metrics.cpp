#include "gateway/metrics.h"

namespace streamgate::gateway {
namespace {

void appendMetric(std::string& out, std::string_view name, std::string_view type, std::string_view help,
                  const std::string& value) {
  out += "# HELP streamgate_";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE streamgate_";
  out += name;
  out += ' ';
  out += type;
  out += "\nstreamgate_";
  out += name;
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

void Metrics::addGauge(std::string name, std::string help, std::function<double()> read) {
  gauges_.push_back(Gauge{std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::render() const {
  struct Row {
    const char* name;
    const char* help;
    const Counter* counter;
  };
  const Row counters[] = {
      {"connections_opened_total", "WebSocket connections upgraded", &connectionsOpened},
      {"connections_closed_total", "WebSocket connections gone", &connectionsClosed},
      {"slow_consumers_closed_total", "connections closed with 1013 because their send queue was full",
       &slowConsumersClosed},
      {"messages_received_total", "client messages received", &messagesReceived},
      {"protocol_errors_total", "client messages answered with an error frame", &protocolErrors},
      {"rate_limited_total", "client messages refused by the rate limit", &rateLimited},
      {"frames_sent_total", "frames queued to clients", &framesSent},
      {"chunks_delivered_total", "chunk frames queued to clients", &chunksDelivered},
      {"chunks_appended_total", "chunks appended to the stream store by producers on this node",
       &chunksAppended},
      {"append_errors_total", "stream store appends that failed", &appendErrors},
      {"publish_errors_total", "bus publishes that failed", &publishErrors},
      {"bus_subscribes_total", "session subscriptions made on the bus", &busSubscribes},
      {"bus_events_received_total", "bus events received", &busEventsReceived},
      {"bus_events_malformed_total", "bus events that could not be decoded", &busEventsMalformed},
      {"store_reads_total", "stream store range reads for resume and gap repair", &storeReads},
      {"gaps_repaired_total", "live gaps filled from the stream store", &gapsRepaired},
      {"resumes_total", "resume and since requests", &resumes},
      {"streams_started_total", "streams started by producers on this node", &streamsStarted},
      {"streams_finished_total", "streams finished by producers on this node", &streamsFinished},
      {"streams_interrupted_total", "orphaned streams ended as interrupted by this node",
       &streamsInterrupted},
      {"backend_errors_total", "backend calls that failed with unavailable or timeout", &backendErrors},
  };
  std::string out;
  for (const auto& row : counters) {
    appendMetric(out, row.name, "counter", row.help,
                 std::to_string(row.counter->load(std::memory_order_relaxed)));
  }
  for (const auto& gauge : gauges_) {
    const double value = gauge.read();
    appendMetric(out, gauge.name, "gauge", gauge.help, std::to_string(value));
  }
  return out;
}

}  // namespace streamgate::gateway
