#include "memory_session_store.h"

#include <utility>

#include "streamgate/plugin.h"
#include "streamgate/request_checks.h"

namespace streamgate::memory {

MemorySessionStore::MemorySessionStore(std::shared_ptr<const Clock> clock) : clock_(std::move(clock)) {}

bool MemorySessionStore::isLive(const std::string& nodeId, Clock::time_point now) const {
  const auto it = nodeDeadlines_.find(nodeId);
  return it != nodeDeadlines_.end() && it->second > now;
}

void MemorySessionStore::purgeExpiredOwners(Clock::time_point now) {
  for (const auto& sessionId : ownerExpiry_.takeExpired(now)) owners_.erase(sessionId);
}

void MemorySessionStore::unsubscribeLocked(const std::string& connectionId, const std::string& sessionId) {
  const auto it = sessionSubscribers_.find(sessionId);
  if (it == sessionSubscribers_.end()) return;
  it->second.erase(connectionId);
  if (it->second.empty()) sessionSubscribers_.erase(it);
}

void MemorySessionStore::unregisterLocked(const std::string& connectionId) {
  const auto it = connections_.find(connectionId);
  if (it == connections_.end()) return;
  for (const auto& sessionId : it->second.sessions) unsubscribeLocked(connectionId, sessionId);
  const auto node = nodeConnections_.find(it->second.info.nodeId);
  if (node != nodeConnections_.end()) {
    node->second.erase(connectionId);
    if (node->second.empty()) nodeConnections_.erase(node);
  }
  connections_.erase(it);
}

void MemorySessionStore::touchNode(const std::string& nodeId, std::chrono::milliseconds ttl,
                                   StatusCallback done) {
  Status result = noThrow([&]() -> Status {
    if (Status bad = checkNotEmpty("nodeId", nodeId); !bad) return bad;
    if (Status bad = checkTtl("node " + nodeId, ttl); !bad) return bad;
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    nodeDeadlines_[nodeId] = now + ttl;
    return Status::ok();
  });
  done(std::move(result));
}

void MemorySessionStore::registerConnection(const ConnectionInfo& connection, StatusCallback done) {
  Status result = noThrow([&]() -> Status {
    if (Status bad = checkNotEmpty("connectionId", connection.connectionId); !bad) return bad;
    const std::string what = "connection " + connection.connectionId + ": ";
    if (Status bad = checkNotEmpty(what + "userId", connection.userId); !bad) return bad;
    if (Status bad = checkNotEmpty(what + "nodeId", connection.nodeId); !bad) return bad;
    std::lock_guard lock(mutex_);
    auto [it, created] = connections_.try_emplace(connection.connectionId);
    if (!created && it->second.info.nodeId != connection.nodeId) {
      // Replacing the record moves it to the new node; its subscriptions stay.
      const auto old = nodeConnections_.find(it->second.info.nodeId);
      if (old != nodeConnections_.end()) {
        old->second.erase(connection.connectionId);
        if (old->second.empty()) nodeConnections_.erase(old);
      }
    }
    it->second.info = connection;
    nodeConnections_[connection.nodeId].insert(connection.connectionId);
    return Status::ok();
  });
  done(std::move(result));
}

void MemorySessionStore::unregisterConnection(const std::string& connectionId, StatusCallback done) {
  Status result = noThrow([&]() -> Status {
    if (Status bad = checkNotEmpty("connectionId", connectionId); !bad) return bad;
    std::lock_guard lock(mutex_);
    unregisterLocked(connectionId);
    return Status::ok();
  });
  done(std::move(result));
}

void MemorySessionStore::connection(const std::string& connectionId, Callback<ConnectionInfo> done) {
  Expected<ConnectionInfo> result = noThrow([&]() -> Expected<ConnectionInfo> {
    if (Status bad = checkNotEmpty("connectionId", connectionId); !bad) return bad;
    std::lock_guard lock(mutex_);
    const auto it = connections_.find(connectionId);
    if (it == connections_.end())
      return Status(Code::kNotFound, "connection " + connectionId + ": not registered");
    return it->second.info;
  });
  done(std::move(result));
}

void MemorySessionStore::claimSession(const std::string& sessionId, const std::string& userId,
                                      std::chrono::milliseconds ttl, Callback<std::string> done) {
  Expected<std::string> result = noThrow([&]() -> Expected<std::string> {
    if (Status bad = checkNotEmpty("sessionId", sessionId); !bad) return bad;
    if (Status bad = checkNotEmpty("session " + sessionId + ": userId", userId); !bad) return bad;
    if (Status bad = checkTtl("session " + sessionId, ttl); !bad) return bad;
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    purgeExpiredOwners(now);
    const auto expiresAt = now + ttl;
    auto [it, created] = owners_.try_emplace(sessionId, Owner{userId, expiresAt});
    if (created) {
      ownerExpiry_.add(sessionId, expiresAt);
    } else if (it->second.userId == userId) {
      // Only the owner's own claims keep the session; others must not extend it.
      ownerExpiry_.move(sessionId, it->second.expiresAt, expiresAt);
      it->second.expiresAt = expiresAt;
    }
    return it->second.userId;
  });
  done(std::move(result));
}

void MemorySessionStore::sessionOwner(const std::string& sessionId, Callback<std::string> done) {
  Expected<std::string> result = noThrow([&]() -> Expected<std::string> {
    if (Status bad = checkNotEmpty("sessionId", sessionId); !bad) return bad;
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    purgeExpiredOwners(now);
    const auto it = owners_.find(sessionId);
    if (it == owners_.end()) return Status(Code::kNotFound, "session " + sessionId + ": no owner");
    return it->second.userId;
  });
  done(std::move(result));
}

void MemorySessionStore::addSubscription(const std::string& connectionId, const std::string& sessionId,
                                         StatusCallback done) {
  Status result = noThrow([&]() -> Status {
    if (Status bad = checkNotEmpty("connectionId", connectionId); !bad) return bad;
    if (Status bad = checkNotEmpty("connection " + connectionId + ": sessionId", sessionId); !bad) return bad;
    std::lock_guard lock(mutex_);
    const auto it = connections_.find(connectionId);
    if (it == connections_.end()) {
      return Status(Code::kNotFound, "connection " + connectionId +
                                         ": not registered, cannot subscribe to session " + sessionId);
    }
    it->second.sessions.insert(sessionId);
    sessionSubscribers_[sessionId].insert(connectionId);
    return Status::ok();
  });
  done(std::move(result));
}

void MemorySessionStore::removeSubscription(const std::string& connectionId, const std::string& sessionId,
                                            StatusCallback done) {
  Status result = noThrow([&]() -> Status {
    if (Status bad = checkNotEmpty("connectionId", connectionId); !bad) return bad;
    if (Status bad = checkNotEmpty("connection " + connectionId + ": sessionId", sessionId); !bad) return bad;
    std::lock_guard lock(mutex_);
    const auto it = connections_.find(connectionId);
    if (it != connections_.end()) it->second.sessions.erase(sessionId);
    unsubscribeLocked(connectionId, sessionId);
    return Status::ok();
  });
  done(std::move(result));
}

void MemorySessionStore::subscribers(const std::string& sessionId,
                                     Callback<std::vector<ConnectionInfo>> done) {
  Expected<std::vector<ConnectionInfo>> result = noThrow([&]() -> Expected<std::vector<ConnectionInfo>> {
    if (Status bad = checkNotEmpty("sessionId", sessionId); !bad) return bad;
    std::lock_guard lock(mutex_);
    std::vector<ConnectionInfo> infos;
    const auto it = sessionSubscribers_.find(sessionId);
    if (it == sessionSubscribers_.end()) return infos;
    infos.reserve(it->second.size());
    for (const auto& connectionId : it->second) infos.push_back(connections_.at(connectionId).info);
    return infos;
  });
  done(std::move(result));
}

void MemorySessionStore::sweep(Callback<SweepResult> done) {
  Expected<SweepResult> result = noThrow([&]() -> Expected<SweepResult> {
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    purgeExpiredOwners(now);
    // A node is dead when its heartbeat expired, or when it registered
    // connections but never touched at all.
    std::set<std::string, std::less<>> dead;
    for (const auto& [nodeId, deadline] : nodeDeadlines_) {
      if (deadline <= now) dead.insert(nodeId);
    }
    for (const auto& entry : nodeConnections_) {
      if (!isLive(entry.first, now)) dead.insert(entry.first);
    }
    SweepResult swept;
    for (const auto& nodeId : dead) {
      nodeDeadlines_.erase(nodeId);
      const auto node = nodeConnections_.find(nodeId);
      if (node != nodeConnections_.end()) {
        // Copied: unregisterLocked erases from this very set.
        const auto connectionIds = node->second;
        for (const auto& connectionId : connectionIds) unregisterLocked(connectionId);
        swept.connectionsRemoved += connectionIds.size();
      }
      swept.nodes.push_back(nodeId);
    }
    return swept;
  });
  done(std::move(result));
}

void MemorySessionStore::connectionCounts(Callback<std::map<std::string, std::size_t>> done) {
  using Counts = std::map<std::string, std::size_t>;
  Expected<Counts> result = noThrow([&]() -> Expected<Counts> {
    const auto now = clock_->now();
    std::lock_guard lock(mutex_);
    Counts counts;
    for (const auto& [nodeId, deadline] : nodeDeadlines_) {
      if (deadline <= now) continue;
      const auto node = nodeConnections_.find(nodeId);
      counts.emplace(nodeId, node == nodeConnections_.end() ? 0 : node->second.size());
    }
    return counts;
  });
  done(std::move(result));
}

}  // namespace streamgate::memory
