// In-process SessionStore: maps guarded by one mutex, kept consistent in
// both directions (connection -> sessions, session -> connections, node ->
// connections) so every call touches only the records it names. Liveness
// and ownership TTLs run on the plugin clock.
// Contract: streamgate/session_store.h.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "streamgate/expiry_index.h"
#include "streamgate/clock.h"
#include "streamgate/session_store.h"

namespace streamgate::memory {

class MemorySessionStore final : public SessionStore {
 public:
  explicit MemorySessionStore(std::shared_ptr<const Clock> clock);

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
  struct Connection {
    ConnectionInfo info;
    std::set<std::string, std::less<>> sessions;
  };
  struct Owner {
    std::string userId;
    Clock::time_point expiresAt;
  };

  bool isLive(const std::string& nodeId, Clock::time_point now) const;
  void unregisterLocked(const std::string& connectionId);
  void unsubscribeLocked(const std::string& connectionId, const std::string& sessionId);
  // Ownerships whose TTL ran out are dropped whether or not anyone asks again.
  void purgeExpiredOwners(Clock::time_point now);

  std::shared_ptr<const Clock> clock_;

  std::mutex mutex_;
  std::map<std::string, Clock::time_point, std::less<>> nodeDeadlines_;  // nodes that touched
  std::map<std::string, Connection, std::less<>> connections_;
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> nodeConnections_;
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> sessionSubscribers_;
  std::map<std::string, Owner, std::less<>> owners_;
  ExpiryIndex<std::string> ownerExpiry_;
};

}  // namespace streamgate::memory
