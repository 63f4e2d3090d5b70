#include "bench_options.h"

#include <charconv>
#include <string_view>

namespace streamgate::bench {
namespace {

template <class T>
bool number(std::string_view text, T& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

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
  for (int i = 1; i < argc; ++i) {
    const std::string_view name = argv[i];
    const auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) return {};
      return argv[++i];
    };
    const auto bad = [&](std::string_view why) {
      error = std::string(name) + ": " + std::string(why);
      return false;
    };
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
      ok = number(value(), options.runs) && options.runs > 0;
    } else if (name == "--pool-size") {
      ok = number(value(), options.poolSize) && options.poolSize > 0;
    } else if (name == "--chunk-bytes") {
      ok = number(value(), options.chunkBytes) && options.chunkBytes >= 8;
    } else if (name == "--chunks") {
      ok = number(value(), options.chunks) && options.chunks > 0;
    } else if (name == "--interval-us") {
      ok = number(value(), options.intervalUs) && options.intervalUs >= 0;
    } else if (name == "--warmup") {
      ok = number(value(), options.warmup) && options.warmup >= 0;
    } else if (name == "--resume-chunks") {
      ok = number(value(), options.resumeChunks) && options.resumeChunks > 0;
    } else if (name == "--reads") {
      ok = number(value(), options.reads) && options.reads > 0;
    } else if (name == "--streams") {
      ok = number(value(), options.streams) && options.streams > 0;
    } else if (name == "--stream-chunks") {
      ok = number(value(), options.streamChunks) && options.streamChunks > 0;
    } else if (name == "--batch") {
      ok = number(value(), options.batch) && options.batch > 0;
    } else if (name == "--producer-threads") {
      ok = number(value(), options.producerThreads) && options.producerThreads >= 0 &&
           options.producerThreads <= 8;
    } else if (name == "--background-streams") {
      ok = number(value(), options.backgroundStreams) && options.backgroundStreams >= 0;
    } else if (name == "--background-rate") {
      ok = number(value(), options.backgroundRate) && options.backgroundRate >= 0;
    } else if (name == "--timeout-seconds") {
      ok = number(value(), options.timeoutSeconds) && options.timeoutSeconds > 0;
    } else {
      return bad("unknown option (see --help)");
    }
    if (!ok) return bad("missing or bad value");
  }
  if (options.scenario == RedisScenario::kLatency && options.warmup >= options.chunks) {
    error = "--warmup must be below --chunks";
    return false;
  }
  return true;
}

}  // namespace streamgate::bench
