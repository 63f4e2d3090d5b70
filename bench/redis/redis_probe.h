// A side connection to the benchmarked Redis for what the plugin does not
// show: the server's own CPU time and per-command statistics. Blocking,
// not thread-safe; used between runs, never on a measured path.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

struct redisContext;

namespace streamgate::bench {

// True when an (authenticated) PING answers PONG within a second.
bool redisPing(const std::string& host, std::uint16_t port, const std::string& password);

struct CommandStat {
  std::int64_t calls = 0;
  double usecPerCall = 0;  // Redis's own time per call, not the round trip
};

class RedisProbe {
 public:
  // Throws std::runtime_error naming host:port when it cannot connect.
  RedisProbe(const std::string& host, std::uint16_t port, const std::string& password);
  ~RedisProbe();

  RedisProbe(const RedisProbe&) = delete;
  RedisProbe& operator=(const RedisProbe&) = delete;

  // used_cpu_user + used_cpu_sys of INFO cpu: the whole server process.
  double cpuSeconds();
  // total_reads_processed of INFO stats: socket reads the server did. With
  // the commands run in the same time it says how deep the clients pipeline.
  std::int64_t readsProcessed();
  // CONFIG RESETSTAT: zeroes the command statistics.
  void resetStats();
  // The cmdstat_<name> line of INFO commandstats; zeros when absent.
  CommandStat commandStat(const std::string& name);

 private:
  std::string command(const std::string& line);

  std::unique_ptr<redisContext, void (*)(redisContext*)> context_;
  std::string where_;
};

// "redis://[user:password@]host:port[/db]" -> host and port; nullopt when it is not one.
struct UrlAddress {
  std::string host;
  std::uint16_t port = 0;
};
std::optional<UrlAddress> addressOfUrl(const std::string& url);

}  // namespace streamgate::bench
