// The Redis side of a measured window: CPU of this process, redis-server and
// the rest of the machine, and Redis's own command statistics. The generic
// pieces are in bench/common/bench_support.h.
#pragma once

#include <cstdint>
#include <string>

#include "common/bench_support.h"
#include "redis_probe.h"

namespace streamgate::bench {

// CPU spent during a measured window: this process (the plugin's threads
// and the benchmark's), the Redis server (INFO cpu) and everything else on
// the machine (/proc/stat); plus Redis's own time per EVALSHA (the append or
// read script), from INFO commandstats reset at start(), and the socket
// reads Redis did meanwhile (INFO stats).
class CpuWindow {
 public:
  explicit CpuWindow(RedisProbe& probe) : probe_(probe) {}
  void start();
  void stop();
  double selfSeconds() const { return self_; }
  double redisSeconds() const { return redis_; }
  double otherSeconds() const { return other_; }
  const CommandStat& evalsha() const { return evalsha_; }
  std::int64_t redisReads() const { return reads_; }

 private:
  RedisProbe& probe_;
  double self_ = 0, redis_ = 0, other_ = 0, machine_ = 0;
  CommandStat evalsha_;
  std::int64_t reads_ = 0;
};

// cpu fields of a run: seconds and microseconds per chunk of each party.
std::string cpuJson(const CpuWindow& cpu, std::int64_t chunks);

}  // namespace streamgate::bench
