// Limits of one WebSocket endpoint, uWebSockets-style: the shape of the
// `server:` config keys of the same names.
#pragma once

#include <chrono>
#include <cstddef>

namespace streamgate::net {

struct WsLimits {
  // A message (all fragments) above this closes the connection with 1009.
  std::size_t maxMessageBytes = 64 * 1024;
  // From TCP accept to a complete upgrade request.
  std::chrono::milliseconds handshakeTimeout{10'000};
  // No bytes from the client for this long: ping; for idleTimeout: close 1001.
  std::chrono::milliseconds pingInterval{25'000};
  std::chrono::milliseconds idleTimeout{60'000};
  // Bytes queued for a client that does not read. Past it the client is
  // closed with 1013 and resumes later from the stream store.
  std::size_t maxSendQueueBytes = 1024 * 1024;
  // How long a close handshake we started may take before the socket goes.
  std::chrono::milliseconds closeTimeout{2'000};
};

}  // namespace streamgate::net
