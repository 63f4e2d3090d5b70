// SessionStore on Redis: hashes and sets per node, connection and session
// (layout in redis_keys.h), each operation one Lua script, so one round trip
// and atomic. Liveness is the node's key with a TTL; sweep() walks the set of
// known nodes (a handful), never KEYS or SCAN. Contract:
// streamgate/session_store.h.
#pragma once

#include <memory>

#include "redis_client.h"
#include "redis_keys.h"
#include "streamgate/session_store.h"

namespace streamgate::redis {

class RedisSessionStore final : public SessionStore {
 public:
  explicit RedisSessionStore(std::shared_ptr<RedisClient> client);

  void touchNode(const std::string& nodeId, std::chrono::milliseconds ttl, StatusCallback done) override;
  void registerConnection(const ConnectionInfo& connection, StatusCallback done) override;
  void unregisterConnection(const std::string& connectionId, StatusCallback done) override;
  void connection(const std::string& connectionId, Callback<ConnectionInfo> done) override;
  void claimSession(const std::string& sessionId, const std::string& userId, std::chrono::milliseconds ttl,
                    Callback<std::string> done) override;
  void sessionOwner(const std::string& sessionId, Callback<std::string> done) override;
  void addSubscription(const std::string& connectionId, const std::string& sessionId,
                       StatusCallback done) override;
  void removeSubscription(const std::string& connectionId, const std::string& sessionId,
                          StatusCallback done) override;
  void subscribers(const std::string& sessionId, Callback<std::vector<ConnectionInfo>> done) override;
  void sweep(Callback<SweepResult> done) override;
  void connectionCounts(Callback<std::map<std::string, std::size_t>> done) override;

 private:
  // Runs a script whose reply only says it ran.
  void run(Script script, std::string_view routingKey, std::vector<std::string> keys,
           std::vector<std::string> args, std::string context, StatusCallback done);

  std::shared_ptr<RedisClient> client_;
  RedisKeys keys_;
};

}  // namespace streamgate::redis
