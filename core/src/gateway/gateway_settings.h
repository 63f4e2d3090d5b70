// Settings of the gateway layer: the `sessions:`, `streams:`, `limits:`,
// `upstream:` and `ingest:` config sections (README "Configuration").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/demo_source.h"

namespace streamgate::gateway {

struct SessionSettings {
  std::chrono::milliseconds ownershipTtl = std::chrono::hours(24);  // refreshed by every claim
  std::chrono::milliseconds heartbeatInterval{2'000};
  std::chrono::milliseconds nodeTtl{10'000};  // a node silent this long is swept
};

struct StreamSettings {
  std::chrono::milliseconds leaseTtl{10'000};        // a producer silent this long loses its stream
  std::chrono::milliseconds janitorInterval{5'000};  // how often orphaned streams are looked for
  std::chrono::milliseconds stallCheck{5'000};       // a followed stream silent this long is re-read
  std::size_t readBatch = 512;                       // chunks per store read when resuming
};

struct LimitSettings {
  double messagesPerSecond = 50;  // per connection, token bucket
  double messageBurst = 100;
  std::size_t maxSubscriptions = 64;          // sessions per connection
  std::size_t maxStreamsPerConnection = 256;  // streams followed at once
};

struct IngestSettings {
  std::vector<std::string> apiKeys;  // empty: the ingest API is off
};

struct GatewaySettings {
  SessionSettings sessions;
  StreamSettings streams;
  LimitSettings limits;
  DemoSettings demo;
  IngestSettings ingest;
};

}  // namespace streamgate::gateway
