// The two measurements of streamgate-kafka-bench (docs/benchmarks.md,
// "Kafka"). Each adds its fields to the run's JSON object and returns
// whether the run is valid.
#pragma once

#include <string>

#include "common/bench_support.h"
#include "common/plugin_instances.h"
#include "kafka_bench_options.h"

namespace streamgate::bench {

struct KafkaRun {
  const KafkaBenchOptions& options;
  const PluginInstances& plugin;  // the kafka library and its section
  std::string idPrefix;           // unique per run: session ids start with it
  SteadyClock::time_point deadline;
};

// (1) StreamStore::append on instance A (store + bus) -> the chunk's event
// in a handler on instance B's bus (bus only, another node id).
bool runKafkaLatency(KafkaRun& run, JsonObject& out);

// (2) The topic replayed by a starting instance: streams written through A,
// then instance C's create() timed and a few streams read back from C.
bool runKafkaReplay(KafkaRun& run, JsonObject& out);

}  // namespace streamgate::bench
