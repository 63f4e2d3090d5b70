// The plugins.redis section, read and checked once (validate() and create()
// share it). Every key, with its default:
//
//   url: redis://127.0.0.1:6379   redis://[user:password@]host:port[/db]
//   username: ""                  ACL user (Redis 6+); may not contradict url
//   password: ""                  AUTH password; may not contradict url
//   key_prefix: "sg:"             every key and channel starts with it, so
//                                 several deployments can share one Redis
//   pool_size: 2                  command connections (plus one subscriber)
//   connect_timeout: 1s           TCP connect + handshake, per attempt
//   command_timeout: 2s           a reply later than this breaks the connection
//   circuit_breaker:
//     failures: 3                 consecutive connection failures that open it
//     retry_initial: 100ms        first half-open probe after opening...
//     retry_max: 5s               ...doubling (with jitter) up to this
//   sentinel:                     instead of url's host:port:
//     master: NAME                the monitored master's name
//     addresses: [host:port, ...] the sentinels, tried in order
//     username / password         the sentinels' own AUTH, if any
//   stream_ttl: 1h, completed_ttl: 10m   (streamgate/stream_retention.h)
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "streamgate/host_port.h"
#include "streamgate/plugin.h"
#include "streamgate/stream_retention.h"

namespace streamgate::redis {

struct SentinelConfig {
  std::string master;
  std::vector<HostPort> addresses;
  std::string username;
  std::string password;
};

struct RedisConfig {
  HostPort address{"127.0.0.1", 6379};
  std::string username;
  std::string password;
  int db = 0;
  std::string keyPrefix = "sg:";
  int poolSize = 2;
  std::chrono::milliseconds connectTimeout{1000};
  std::chrono::milliseconds commandTimeout{2000};
  int breakerFailures = 3;
  std::chrono::milliseconds retryInitial{100};
  std::chrono::milliseconds retryMax{5000};
  std::optional<SentinelConfig> sentinel;
  StreamRetention retention;

  // What logs and errors call the server: "127.0.0.1:6379" or "sentinel master NAME".
  std::string describe() const;

  static Expected<RedisConfig> read(const PluginConfig& config);
};

}  // namespace streamgate::redis
