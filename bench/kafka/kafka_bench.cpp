// streamgate-kafka-bench: the kafka plugin's StreamStore and MessageBus
// measured directly, without a node, against the brokers given with
// --brokers (bench/run.sh starts streamgate-kafka-test-broker, librdkafka's
// mock cluster). One JSON line per invocation. See docs/benchmarks.md,
// section "Kafka", and --help.
#include <unistd.h>

#include <exception>
#include <iostream>

#include "kafka_scenarios.h"

#ifndef STREAMGATE_PLUGIN_DIR
#error "STREAMGATE_PLUGIN_DIR must name the directory the plugins are built into"
#endif

namespace streamgate::bench {
namespace {

std::string sectionYaml(const KafkaBenchOptions& options) {
  // replay_from 1h: a starting instance replays every record of the run.
  std::string yaml = "brokers: " + yamlQuoted(options.brokers) + "\ntopic: " + yamlQuoted(options.topic) +
                     "\nstartup_timeout: 30s\nreplay_from: 1h\n";
  if (!options.properties.empty()) yaml += "properties:\n";
  for (const auto& property : options.properties) {
    const auto equals = property.find('=');
    yaml +=
        "  " + yamlQuoted(property.substr(0, equals)) + ": " + yamlQuoted(property.substr(equals + 1)) + "\n";
  }
  return yaml;
}

int run(const KafkaBenchOptions& options) {
  JsonObject out;
  std::string properties;
  for (const auto& property : options.properties) properties += (properties.empty() ? "" : ",") + property;
  out.add("scenario", options.scenario).add("chunkBytes", options.chunkBytes).add("properties", properties);
  bool ok = false;
  try {
    // Info and up: the plugin's replay summary is part of the result.
    const PluginInstances plugin(options.pluginDir.empty() ? STREAMGATE_PLUGIN_DIR : options.pluginDir,
                                 "kafka", sectionYaml(options),
                                 std::make_shared<BenchLogger>("kafka-bench plugin: ", LogLevel::kInfo));
    KafkaRun scenario{options, plugin, "kb" + std::to_string(getpid()) + "-",
                      SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(
                                               std::chrono::duration<double>(options.timeoutSeconds))};
    ok = options.scenario == "replay" ? runKafkaReplay(scenario, out) : runKafkaLatency(scenario, out);
  } catch (const std::exception& error) {
    out.add("error", error.what());
  }
  out.add("loadAvg1m", loadAverage()).add("ok", ok);
  std::cout << out.str() << std::endl;
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace streamgate::bench

int main(int argc, char** argv) {
  const auto parsed = streamgate::bench::parseKafkaBenchOptions(argc, argv);
  if (parsed.help) {
    std::cout << streamgate::bench::kafkaBenchUsage();
    return 0;
  }
  if (!parsed.error.empty()) {
    std::cerr << parsed.error << '\n' << streamgate::bench::kafkaBenchUsage();
    return 2;
  }
  return streamgate::bench::run(parsed.options);
}
