// Command line of streamgate-kafka-bench (see --help and docs/benchmarks.md,
// section "Kafka").
#pragma once

#include <string>
#include <vector>

namespace streamgate::bench {

struct KafkaBenchOptions {
  std::string scenario = "latency";  // latency | replay
  std::string brokers;               // bootstrap servers, e.g. streamgate-kafka-test-broker's
  std::string topic = "streamgate.bench";
  std::string pluginDir;  // empty: the build's plugins/
  // librdkafka properties for the plugin's `properties:` map, "key=value"
  // each (e.g. fetch.wait.max.ms=1, see docs/benchmarks.md "Kafka").
  std::vector<std::string> properties;
  int chunkBytes = 24;

  // latency: one stream, a chunk every intervalUs, `chunks` chunks, the first `warmup` not counted.
  int chunks = 3000;
  int intervalUs = 1000;
  int warmup = 100;

  // replay: `streams` streams of `streamChunks` chunks written in appends of
  // `batch` by `writers` threads, then a new instance's create() timed and `verifyStreams` of the
  // streams read back from it.
  int streams = 100;
  int streamChunks = 1000;
  int batch = 50;
  int writers = 10;  // threads writing streams at once
  int verifyStreams = 5;

  double timeoutSeconds = 120;
};

// The command line read: options, or the error to print with the usage, or
// a request for help.
struct ParsedKafkaBenchOptions {
  KafkaBenchOptions options;
  std::string error;  // empty when the command line is good
  bool help = false;
};
ParsedKafkaBenchOptions parseKafkaBenchOptions(int argc, char** argv);

std::string kafkaBenchUsage();

}  // namespace streamgate::bench
