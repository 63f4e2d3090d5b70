#include "kafka_bench_options.h"

#include <charconv>
#include <functional>
#include <map>
#include <string_view>

namespace streamgate::bench {

std::string kafkaBenchUsage() {
  return R"(usage: streamgate-kafka-bench --brokers HOST:PORT[,...] [--scenario latency|replay] [options]
Drives the kafka plugin's StreamStore and MessageBus directly (no node) and
prints one JSON line.

  --scenario S         latency: append on instance A -> event on instance B's bus (default)
                       replay: write streams, then time a new instance's create() (topic replay)
  --brokers B          bootstrap servers (required), e.g. from streamgate-kafka-test-broker
  --topic T            the plugin's topic; it must exist (default streamgate.bench)
  --plugin-dir D       where libstreamgate_kafka.so is (default: the build's plugins/)
  --property K=V       a librdkafka property for the plugin's properties map; repeatable
  --chunk-bytes N      bytes per chunk (default 24)
  latency:
  --chunks N           chunks of the paced stream (default 3000)
  --interval-us N      pace (default 1000)
  --warmup N           first chunks not counted (default 100)
  replay:
  --streams N          streams written before the replay (default 100)
  --stream-chunks N    chunks per stream (default 1000)
  --batch N            chunks per append (default 50)
  --writers N          threads writing streams at once (default 10)
  --verify-streams N   streams read back whole from the new instance (default 5)
  --timeout-seconds S  bound of the run (default 120)
)";
}

ParsedKafkaBenchOptions parseKafkaBenchOptions(int argc, char** argv) {
  ParsedKafkaBenchOptions parsed;
  KafkaBenchOptions& options = parsed.options;
  std::string& error = parsed.error;
  const auto integer = [](int& field) {
    return std::function<bool(std::string_view)>([&field](std::string_view text) {
      const auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), field);
      return failure == std::errc() && end == text.data() + text.size() && field >= 0;
    });
  };
  const auto text = [](std::string& field) {
    return std::function<bool(std::string_view)>([&field](std::string_view value) {
      field = value;
      return !field.empty();
    });
  };
  const std::map<std::string_view, std::function<bool(std::string_view)>> setters{
      {"--scenario",
       [&](std::string_view value) {
         options.scenario = value;
         return value == "latency" || value == "replay";
       }},
      {"--brokers", text(options.brokers)},
      {"--topic", text(options.topic)},
      {"--plugin-dir", text(options.pluginDir)},
      {"--property",
       [&](std::string_view value) {
         options.properties.emplace_back(value);
         return value.find('=') != std::string_view::npos && value.front() != '=';
       }},
      {"--chunk-bytes", integer(options.chunkBytes)},
      {"--chunks", integer(options.chunks)},
      {"--interval-us", integer(options.intervalUs)},
      {"--warmup", integer(options.warmup)},
      {"--streams", integer(options.streams)},
      {"--stream-chunks", integer(options.streamChunks)},
      {"--batch", integer(options.batch)},
      {"--writers", integer(options.writers)},
      {"--verify-streams", integer(options.verifyStreams)},
      {"--timeout-seconds",
       [&](std::string_view value) {
         options.timeoutSeconds = std::stod(std::string(value));
         return options.timeoutSeconds > 0;
       }},
  };
  for (int i = 1; i < argc; ++i) {
    const std::string_view name = argv[i];
    if (name == "--help" || name == "-h") {
      parsed.help = true;
      return parsed;
    }
    const auto setter = setters.find(name);
    if (setter == setters.end()) {
      error = "unknown option " + std::string(name);
      return parsed;
    }
    if (i + 1 >= argc || !setter->second(argv[++i])) {
      error = "bad or missing value for " + std::string(name);
      return parsed;
    }
  }
  if (options.brokers.empty()) {
    error = "--brokers is required";
  } else if (options.batch < 1 || options.warmup >= options.chunks) {
    error = "--batch must be >= 1 and --warmup below --chunks";
  }
  return parsed;
}

}  // namespace streamgate::bench
