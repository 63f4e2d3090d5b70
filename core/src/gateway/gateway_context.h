// What every part of the gateway shares: backends, node-wide services and
// settings. Built once by Gateway; everything referenced outlives all
// connections.
#pragma once

#include <Poco/Logger.h>

#include <string>

#include "gateway/gateway_settings.h"
#include "streamgate/lock_provider.h"
#include "streamgate/message_bus.h"
#include "streamgate/session_store.h"
#include "streamgate/stream_store.h"

namespace streamgate {
class TokenVerifier;
}

namespace streamgate::gateway {

class Metrics;
class SessionHub;
class StreamService;
class StreamWriter;

struct GatewayContext {
  std::string nodeId;
  // Owned by the Gateway, which destroys them before anything else.
  SessionStore* sessionStore;
  MessageBus* messageBus;
  LockProvider* lockProvider;
  StreamStore* streamStore;
  const GatewaySettings& settings;
  Metrics& metrics;
  SessionHub& hub;
  StreamWriter& writer;
  StreamService* streams;         // set once built (it needs this context itself)
  const TokenVerifier* verifier;  // null when auth.mode is none
  Poco::Logger& log;
};

}  // namespace streamgate::gateway
