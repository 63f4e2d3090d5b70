// streamgate-redis-bench: the redis plugin's StreamStore and MessageBus
// measured directly, without a node: append -> subscriber latency, resume
// reads and many-stream throughput against one Redis (by default a
// throwaway redis-server on a free loopback port). One JSON line per run.
// See docs/benchmarks.md, section "Redis", and --help.
#include <unistd.h>

#include <chrono>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>

#include "bench_options.h"
#include "local_redis_server.h"
#include "process_stats.h"
#include "redis_plugin_pair.h"
#include "redis_probe.h"
#include "scenarios.h"

#ifndef STREAMGATE_PLUGIN_DIR
#error "STREAMGATE_PLUGIN_DIR must name the directory the plugins are built into"
#endif

namespace streamgate::bench {
namespace {

bool runOnce(const RedisBenchOptions& options, const std::string& url, RedisProbe& probe, int run) {
  JsonObject out;
  out.add("scenario", std::string(scenarioName(options.scenario)))
      .add("run", run)
      .add("poolSize", options.poolSize)
      .add("subscriber", options.separateSubscriber ? "separate" : "same")
      .add("chunkBytes", options.chunkBytes);
  bool ok = false;
  try {
    // A key prefix and ids of its own: runs against one server never meet.
    const std::string unique = "rb" + std::to_string(getpid()) + "r" + std::to_string(run);
    RedisPluginPair plugin(RedisPluginSettings{
        options.pluginDir.empty() ? STREAMGATE_PLUGIN_DIR : options.pluginDir, url, options.redisPassword,
        unique + ":", options.poolSize, options.separateSubscriber});
    out.add("hostSeesStorePublishes", plugin.reportsStorePublishes());
    ScenarioRun scenario{options, plugin, probe, unique + "-",
                         SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(
                                                  std::chrono::duration<double>(options.timeoutSeconds))};
    switch (options.scenario) {
      case RedisScenario::kLatency:
        ok = runLatency(scenario, out);
        break;
      case RedisScenario::kResume:
        ok = runResume(scenario, out);
        break;
      case RedisScenario::kThroughput:
        ok = runThroughput(scenario, out);
        break;
    }
  } catch (const std::exception& error) {
    out.add("error", error.what());
    ok = false;
  }
  out.add("loadAvg1m", loadAverage()).add("ok", ok);
  std::cout << out.str() << std::endl;
  return ok;
}

int run(const RedisBenchOptions& options) {
  std::unique_ptr<LocalRedisServer> server;
  std::string url = options.redisUrl;
  if (url.empty()) {
    server = std::make_unique<LocalRedisServer>(options.redisServer);
    url = server->url();
  }
  const auto address = addressOfUrl(url);
  if (!address) {
    std::cerr << "--redis-url: not a redis://host:port URL: " << url << '\n';
    return 2;
  }
  RedisProbe probe(address->host, address->port, options.redisPassword);
  bool allOk = true;
  for (int run = 1; run <= options.runs; ++run) allOk = runOnce(options, url, probe, run) && allOk;
  return allOk ? 0 : 1;
}

}  // namespace
}  // namespace streamgate::bench

int main(int argc, char** argv) {
  using namespace streamgate::bench;
  RedisBenchOptions options;
  std::string error;
  bool help = false;
  if (!parseRedisBenchOptions(argc, argv, options, error, help)) {
    std::cerr << error << '\n' << redisBenchUsage();
    return 2;
  }
  if (help) {
    std::cout << redisBenchUsage();
    return 0;
  }
  try {
    return run(options);
  } catch (const std::exception& failure) {
    std::cerr << "streamgate-redis-bench: " << failure.what() << '\n';
    return 1;
  }
}
