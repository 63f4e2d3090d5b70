// (1) End-to-end chunk latency through Kafka: the append's record goes to the
// topic from instance A and comes back to instance B's consumer, which
// delivers it on sessionChannel(sessionId).
#include <stdexcept>

#include "common/paced_latency.h"
#include "kafka_scenarios.h"
#include "process_stats.h"

namespace streamgate::bench {

bool runKafkaLatency(KafkaRun& run, JsonObject& out) {
  const auto& options = run.options;
  const auto publisher = run.plugin.create("bench-a", kStreamStore | kMessageBus);
  const auto subscriber = run.plugin.create("bench-b", kMessageBus);
  const auto store = publisher->streamStore();
  const auto bus = subscriber->messageBus();
  if (!store || !bus) throw std::runtime_error("the kafka plugin lacks a stream store or message bus");
  out.add("hostSeesStorePublishes", publisher->storePublishesEvents());

  PacedLatency paced(PacedLatencySettings{StreamId{run.idPrefix + "lat", "m"}, options.chunks,
                                          options.intervalUs, options.warmup, options.chunkBytes});
  paced.subscribe(*bus, run.deadline);
  const double cpuBefore = selfCpuSeconds();
  const bool ok = paced.run(*store, run.deadline);
  const double cpuSeconds = selfCpuSeconds() - cpuBefore;
  paced.unsubscribe();

  paced.addFields(out);
  // A's and B's librdkafka clients and the pacing thread; the mock cluster
  // is another process (streamgate-kafka-test-broker).
  out.add("benchCpuUsPerChunk", cpuSeconds * 1e6 / options.chunks);
  return ok;
}

}  // namespace streamgate::bench
