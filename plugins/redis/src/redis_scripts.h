// The Lua scripts: every multi-key operation is one script, so it costs one
// round trip and runs atomically on the server (no client-side locks).
//
// They touch keys built from prefixes passed as arguments, so they need a
// standalone server or a Sentinel-managed master (not Redis Cluster).
#pragma once

#include <string>
#include <vector>

namespace streamgate::redis {

struct LuaScript {
  const char* name;
  const char* body;
};

// Indexes into allScripts().
enum class Script : std::size_t {
  kAppend,
  kFinish,
  kRead,
  kOpenStreams,
  kAcquire,
  kRenew,
  kRelease,
  kTouchNode,
  kRegister,
  kUnregister,
  kClaim,
  kAddSubscription,
  kRemoveSubscription,
  kSubscribers,
  kSweep,
  kConnectionCounts,
};

const std::vector<LuaScript>& allScripts();

}  // namespace streamgate::redis
