// (a) Append-to-subscriber latency of one paced stream (common/paced_latency.h),
// with optional background load on the same plugin and the CPU of Redis and
// the rest of the machine over the paced window.
#include <thread>

#include "background_load.h"
#include "common/paced_latency.h"
#include "scenarios.h"

namespace streamgate::bench {

bool runLatency(ScenarioRun& run, JsonObject& out) {
  const auto& options = run.options;
  PacedLatency paced(PacedLatencySettings{StreamId{run.idPrefix + "lat", "m"}, options.chunks,
                                          options.intervalUs, options.warmup, options.chunkBytes});
  paced.subscribe(run.plugin.subscriberBus(), run.deadline);

  BackgroundLoad background(run.plugin.store(), run.plugin.subscriberBus(), run.idPrefix + "bg",
                            options.backgroundStreams, options.backgroundRate, options.chunkBytes);
  background.start(run.deadline);
  if (options.backgroundStreams > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // steady state

  CpuWindow cpu(run.probe);
  cpu.start();
  const bool ok = paced.run(run.plugin.store(), run.deadline);
  cpu.stop();
  background.stop();
  paced.unsubscribe();  // no handler runs past here

  paced.addFields(out);
  out.addRaw("cpu", cpuJson(cpu, paced.chunks())).addRaw("background", background.json());
  return ok;
}

}  // namespace streamgate::bench
