#include "bench_options.h"

#include <string_view>

#include "common/command_line.h"

namespace streamgate::bench {
std::string_view scenarioName(RedisScenario scenario) {
  switch (scenario) {
    case RedisScenario::kLatency:
      return "latency";
    case RedisScenario::kResume:
      return "resume";
    case RedisScenario::kThroughput:
      return "throughput";
  }
  return "?";
}

std::string redisBenchUsage() {
  return R"(usage: streamgate-redis-bench --scenario latency|resume|throughput [options]
Drives the redis plugin's StreamStore and MessageBus directly (no node) and
prints one JSON line per run.

  --scenario S             latency: append -> subscriber round trip of one paced stream
                           resume: StreamStore::read of a whole stream, repeated
                           throughput: many streams appending as fast as they complete
  --runs N                 runs, one JSON line each (default 1)
  --plugin-dir D           where libstreamgate_redis.so is (default: the build's plugins/)
  --redis-url U            use this server (redis://host:port) instead of starting one
  --redis-password P       its AUTH password
  --redis-server PATH      the redis-server started when --redis-url is absent
  --pool-size N            the plugin's pool_size (default 2)
  --subscriber same|separate   subscribe on the publishing instance (default) or on a
                           second instance that only has the message bus
  --chunk-bytes B          chunk content size (default 24)
latency:
  --chunks N               chunks of the measured stream (default 5000)
  --interval-us U          one chunk every U us (default 1000)
  --warmup N               first chunks not counted (default 100)
resume:
  --resume-chunks N        chunks in the stream (default 1000)
  --reads N                whole-stream reads (default 200)
throughput:
  --streams N              concurrent streams (default 1000)
  --stream-chunks N        chunks per stream (default 100)
  --batch N                chunks per append (default 1)
  --producer-threads N     threads issuing appends (default 1; 0: from the callback)
latency and resume, background load:
  --background-streams N   other streams appended to meanwhile, watched by the subscriber
  --background-rate R      their chunks/s in all (0: each as fast as it completes)
  --timeout-seconds S      bound of one run (default 120)
)";
}

bool parseRedisBenchOptions(int argc, char** argv, RedisBenchOptions& options, std::string& error,
                            bool& help) {
  help = false;
  CommandLine args(argc, argv);
  while (args.next()) {
    const std::string_view name = args.name();
    const auto value = [&] { return args.value(); };
    bool ok = true;
    if (name == "--help" || name == "-h") {
      help = true;
      return true;
    } else if (name == "--scenario") {
      const std::string_view scenario = value();
      if (scenario == "latency") {
        options.scenario = RedisScenario::kLatency;
      } else if (scenario == "resume") {
        options.scenario = RedisScenario::kResume;
      } else if (scenario == "throughput") {
        options.scenario = RedisScenario::kThroughput;
      } else {
        ok = false;
      }
    } else if (name == "--subscriber") {
      const std::string_view which = value();
      ok = which == "same" || which == "separate";
      options.separateSubscriber = which == "separate";
    } else if (name == "--plugin-dir") {
      options.pluginDir = std::string(value());
      ok = !options.pluginDir.empty();
    } else if (name == "--redis-url") {
      options.redisUrl = std::string(value());
      ok = !options.redisUrl.empty();
    } else if (name == "--redis-password") {
      options.redisPassword = std::string(value());
    } else if (name == "--redis-server") {
      options.redisServer = std::string(value());
      ok = !options.redisServer.empty();
    } else if (name == "--runs") {
      ok = parseNumber(value(), options.runs) && options.runs > 0;
    } else if (name == "--pool-size") {
      ok = parseNumber(value(), options.poolSize) && options.poolSize > 0;
    } else if (name == "--chunk-bytes") {
      ok = parseNumber(value(), options.chunkBytes) && options.chunkBytes >= 8;
    } else if (name == "--chunks") {
      ok = parseNumber(value(), options.chunks) && options.chunks > 0;
    } else if (name == "--interval-us") {
      ok = parseNumber(value(), options.intervalUs) && options.intervalUs >= 0;
    } else if (name == "--warmup") {
      ok = parseNumber(value(), options.warmup) && options.warmup >= 0;
    } else if (name == "--resume-chunks") {
      ok = parseNumber(value(), options.resumeChunks) && options.resumeChunks > 0;
    } else if (name == "--reads") {
      ok = parseNumber(value(), options.reads) && options.reads > 0;
    } else if (name == "--streams") {
      ok = parseNumber(value(), options.streams) && options.streams > 0;
    } else if (name == "--stream-chunks") {
      ok = parseNumber(value(), options.streamChunks) && options.streamChunks > 0;
    } else if (name == "--batch") {
      ok = parseNumber(value(), options.batch) && options.batch > 0;
    } else if (name == "--producer-threads") {
      ok = parseNumber(value(), options.producerThreads) && options.producerThreads >= 0 &&
           options.producerThreads <= 8;
    } else if (name == "--background-streams") {
      ok = parseNumber(value(), options.backgroundStreams) && options.backgroundStreams >= 0;
    } else if (name == "--background-rate") {
      ok = parseNumber(value(), options.backgroundRate) && options.backgroundRate >= 0;
    } else if (name == "--timeout-seconds") {
      ok = parseNumber(value(), options.timeoutSeconds) && options.timeoutSeconds > 0;
    } else {
      return args.fail("unknown option (see --help)", error);
    }
    if (!ok) return args.fail("missing or bad value", error);
  }
  if (options.scenario == RedisScenario::kLatency && options.warmup >= options.chunks) {
    error = "--warmup must be below --chunks";
    return false;
  }
  return true;
}

}  // namespace streamgate::bench
