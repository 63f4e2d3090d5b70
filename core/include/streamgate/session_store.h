// SessionStore: the cluster-wide registry of nodes, connections, session
// ownership and subscriptions.
//
// Liveness is per node, not per connection: a node calls touchNode() every
// heartbeat interval with a TTL a few intervals long. When a node stops
// touching (it crashed, or was partitioned away) any node may sweep() and drop
// everything that node registered. One write per heartbeat per node, however
// many connections it holds.
//
// Session ownership is first-come: claimSession() makes the caller's user the
// owner when the session has none and returns the owner either way, so a user
// may only act on sessions it owns.
//
// Thread-safety: all methods may be called from any thread concurrently.
// Blocking: never; completion per callback.h.
// Errors: kInvalidArgument (empty ids, non-positive ttl), kNotFound (unknown
// connection or session), kUnavailable / kTimeout (backend trouble).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "streamgate/callback.h"

namespace streamgate {

struct ConnectionInfo {
  std::string connectionId;  // unique cluster-wide
  std::string userId;
  std::string nodeId;

  friend bool operator==(const ConnectionInfo&, const ConnectionInfo&) = default;
};

struct SweepResult {
  std::vector<std::string> nodes;      // nodes found dead and removed
  std::size_t connectionsRemoved = 0;  // their connections
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;

  // Heartbeat: the node (and everything it registered) stays alive for ttl.
  // Registering a connection for a node that never touched is allowed; the
  // node then counts as dead until its first touch.
  virtual void touchNode(const std::string& nodeId, std::chrono::milliseconds ttl, StatusCallback done) = 0;

  // Registering an already registered connectionId replaces its record.
  virtual void registerConnection(const ConnectionInfo& connection, StatusCallback done) = 0;

  // Removes the connection and all its subscriptions. Unknown ids succeed (idempotent).
  virtual void unregisterConnection(const std::string& connectionId, StatusCallback done) = 0;

  virtual void connection(const std::string& connectionId, Callback<ConnectionInfo> done) = 0;

  // Yields the owner: userId if the session was unowned, else the existing owner.
  // Ownership lives for ttl after the last claim.
  virtual void claimSession(const std::string& sessionId, const std::string& userId,
                            std::chrono::milliseconds ttl, Callback<std::string> done) = 0;

  // kNotFound when nobody owns the session.
  virtual void sessionOwner(const std::string& sessionId, Callback<std::string> done) = 0;

  // kNotFound when the connection is not registered. Adding twice is a no-op.
  virtual void addSubscription(const std::string& connectionId, const std::string& sessionId,
                               StatusCallback done) = 0;
  // Removing a subscription that does not exist succeeds.
  virtual void removeSubscription(const std::string& connectionId, const std::string& sessionId,
                                  StatusCallback done) = 0;

  // Connections subscribed to the session, any node, in no particular order;
  // empty when there are none.
  virtual void subscribers(const std::string& sessionId, Callback<std::vector<ConnectionInfo>> done) = 0;

  // Removes every record of nodes whose heartbeat expired.
  virtual void sweep(Callback<SweepResult> done) = 0;

  // Registered connections per node, live nodes only; a live node with none
  // counts 0.
  virtual void connectionCounts(Callback<std::map<std::string, std::size_t>> done) = 0;
};

}  // namespace streamgate
