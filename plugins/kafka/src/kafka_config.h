// The plugins.kafka section, read and checked once (validate() and create()
// share it). Every key, with its default:
//
//   brokers: 127.0.0.1:9092       bootstrap servers: "h:p,h:p" or a list
//   topic: streamgate.events      the one topic of events and chunks; it must exist
//   replay_from: 70m              how far back a starting node reads the topic
//   startup_timeout: 30s          metadata + replay; past it the node does not start
//   produce_timeout: 10s          a record not acknowledged by then is an error
//   retention:
//     max_streams: 100000         streams kept in memory per node...
//     max_bytes: 512MiB           ...and their chunk bytes; the oldest go first
//   stream_ttl: 1h, completed_ttl: 10m   (streamgate/stream_retention.h)
//   properties: {}                librdkafka properties for the producer and
//                                 the consumer (e.g. security.protocol); the
//                                 delivery guarantees are not negotiable
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "streamgate/plugin.h"
#include "streamgate/stream_retention.h"
#include "streamgate/stream_table.h"

namespace streamgate::kafka {

struct KafkaConfig {
  std::string brokers = "127.0.0.1:9092";
  std::string topic = "streamgate.events";
  std::chrono::milliseconds replayFrom = std::chrono::minutes(70);  // stream_ttl + completed_ttl
  std::chrono::milliseconds startupTimeout = std::chrono::seconds(30);
  std::chrono::milliseconds produceTimeout = std::chrono::seconds(10);
  StreamLimits limits{100'000, 512ull << 20};
  StreamRetention retention;
  std::map<std::string, std::string> properties;

  static Expected<KafkaConfig> read(const PluginConfig& config);
};

}  // namespace streamgate::kafka
