// Command line of streamgate-redis-bench (see --help and docs/benchmarks.md,
// section "Redis").
#pragma once

#include <cstdint>
#include <string>

namespace streamgate::bench {

enum class RedisScenario { kLatency, kResume, kThroughput };

struct RedisBenchOptions {
  RedisScenario scenario = RedisScenario::kLatency;
  int runs = 1;  // one JSON line each, every run with its own key prefix

  // Where the plugin and the server are. Without --redis-url the bench
  // starts `redisServer` on a free 127.0.0.1 port (--save "" --appendonly no)
  // and stops it at the end.
  std::string pluginDir;
  std::string redisUrl;
  std::string redisPassword;
  std::string redisServer = "redis-server";
  int poolSize = 2;  // the plugin's pool_size
  // same: the subscriber is the publishing instance's own bus (one node);
  // separate: a second instance with only the message bus (another node).
  bool separateSubscriber = false;

  int chunkBytes = 24;

  // latency: one stream, a chunk every intervalUs, `chunks` chunks (the
  // first `warmup` are not counted).
  int chunks = 5000;
  int intervalUs = 1000;
  int warmup = 100;

  // resume: a stream of resumeChunks chunks read whole `reads` times.
  int resumeChunks = 1000;
  int reads = 200;

  // throughput: `streams` streams of `streamChunks` chunks each, every stream
  // appending its next `batch` chunks when its previous append completed.
  int streams = 1000;
  int streamChunks = 100;
  int batch = 1;
  // Threads that issue the appends, as a node's event loops would; 0 issues
  // the next append from the completion callback itself (the plugin's thread).
  int producerThreads = 1;

  // Background load during latency and resume: backgroundStreams other
  // streams (each watched by the subscriber) appended to at backgroundRate
  // chunks/s in all, or, with rate 0, each as fast as its appends complete.
  int backgroundStreams = 0;
  int backgroundRate = 0;

  double timeoutSeconds = 120;  // per run
};

// Fills `options` from argv; false with a message in `error` on a bad option.
// Sets `help` when --help was asked for.
bool parseRedisBenchOptions(int argc, char** argv, RedisBenchOptions& options, std::string& error,
                            bool& help);

std::string redisBenchUsage();

std::string_view scenarioName(RedisScenario scenario);

}  // namespace streamgate::bench
