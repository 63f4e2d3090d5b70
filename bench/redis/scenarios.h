// The three measurements of streamgate-redis-bench (docs/benchmarks.md,
// "Redis"). Each adds its fields to the run's JSON object and returns
// whether the run is valid: every chunk stored, every event received once
// and in order, every read complete.
#pragma once

#include <string>

#include "bench_options.h"
#include "bench_support.h"
#include "redis_plugin_pair.h"
#include "redis_probe.h"

namespace streamgate::bench {

struct ScenarioRun {
  const RedisBenchOptions& options;
  RedisPluginPair& plugin;
  RedisProbe& probe;
  std::string idPrefix;  // unique per run: session ids start with it
  SteadyClock::time_point deadline;
};

// (a) StreamStore::append called -> the chunk's event in the subscriber's
// handler, one stream paced at --interval-us, with optional background load.
bool runLatency(ScenarioRun& run, JsonObject& out);

// (b) StreamStore::read(stream, 0, N) of an N-chunk stream, one at a time.
bool runResume(ScenarioRun& run, JsonObject& out);

// (c) Many streams at once, each appending when its previous append completed.
bool runThroughput(ScenarioRun& run, JsonObject& out);

}  // namespace streamgate::bench
