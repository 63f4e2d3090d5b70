// "host:port" addresses in plugin config (Redis servers, Sentinels, Kafka
// brokers), parsed one way everywhere. IPv6 literals go in brackets:
// "[::1]:6379".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "streamgate/status.h"

namespace streamgate {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;

  std::string toString() const;  // "host:port", IPv6 bracketed
  friend bool operator==(const HostPort&, const HostPort&) = default;
};

// defaultPort is used when the text has no ":port" (0: the port is required).
// kInvalidArgument names the text.
Expected<HostPort> parseHostPort(std::string_view text, std::uint16_t defaultPort = 0);

}  // namespace streamgate
