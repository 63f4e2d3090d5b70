#include "redis_session_store.h"

#include "streamgate/request_checks.h"

namespace streamgate::redis {
namespace {

Status unexpected(const std::string& context) {
  return Status(Code::kInternal, context + ": unexpected reply from redis");
}

}  // namespace

RedisSessionStore::RedisSessionStore(std::shared_ptr<RedisClient> client)
    : client_(std::move(client)), keys_(client_->keyPrefix()) {}

void RedisSessionStore::run(Script script, std::string_view routingKey, std::vector<std::string> keys,
                            std::vector<std::string> args, std::string context, StatusCallback done) {
  client_->script(script, routingKey, std::move(keys), std::move(args),
                  [context = std::move(context), done = std::move(done)](Expected<ReplyPtr> reply) {
                    done(reply ? Status::ok() : reply.error().withContext(context));
                  });
}

void RedisSessionStore::touchNode(const std::string& nodeId, std::chrono::milliseconds ttl,
                                  StatusCallback done) {
  if (Status bad = checkNotEmpty("nodeId", nodeId); !bad) return done(bad);
  if (Status bad = checkTtl("node " + nodeId, ttl); !bad) return done(bad);
  run(Script::kTouchNode, nodeId, {keys_.key("node", nodeId), keys_.key("nodes")},
      {nodeId, std::to_string(ttl.count())}, "node " + nodeId, std::move(done));
}

void RedisSessionStore::registerConnection(const ConnectionInfo& connection, StatusCallback done) {
  const std::string& id = connection.connectionId;
  if (Status bad = checkNotEmpty("connectionId", id); !bad) return done(bad);
  const std::string what = "connection " + id;
  if (Status bad = checkNotEmpty(what + ": userId", connection.userId); !bad) return done(bad);
  if (Status bad = checkNotEmpty(what + ": nodeId", connection.nodeId); !bad) return done(bad);
  run(Script::kRegister, id,
      {keys_.key("conn", id), keys_.key("node-conns", connection.nodeId), keys_.key("nodes")},
      {id, connection.userId, connection.nodeId, keys_.tag("node-conns")}, what, std::move(done));
}

void RedisSessionStore::unregisterConnection(const std::string& connectionId, StatusCallback done) {
  if (Status bad = checkNotEmpty("connectionId", connectionId); !bad) return done(bad);
  run(Script::kUnregister, connectionId,
      {keys_.key("conn", connectionId), keys_.key("conn-subs", connectionId)},
      {connectionId, keys_.tag("session-subs"), keys_.tag("node-conns")}, "connection " + connectionId,
      std::move(done));
}

void RedisSessionStore::connection(const std::string& connectionId, Callback<ConnectionInfo> done) {
  if (Status bad = checkNotEmpty("connectionId", connectionId); !bad) return done(bad);
  client_->command(connectionId, {"HMGET", keys_.key("conn", connectionId), "user", "node"},
                   [connectionId, done = std::move(done)](Expected<ReplyPtr> reply) {
                     const std::string what = "connection " + connectionId;
                     if (!reply) return done(reply.error().withContext(what));
                     const redisReply* user = element(reply->get(), 0);
                     if (user == nullptr || user->type != REDIS_REPLY_STRING) {
                       return done(Status(Code::kNotFound, what + ": not registered"));
                     }
                     done(ConnectionInfo{connectionId, std::string(text(user)),
                                         std::string(text(element(reply->get(), 1)))});
                   });
}

void RedisSessionStore::claimSession(const std::string& sessionId, const std::string& userId,
                                     std::chrono::milliseconds ttl, Callback<std::string> done) {
  if (Status bad = checkNotEmpty("sessionId", sessionId); !bad) return done(bad);
  if (Status bad = checkNotEmpty("session " + sessionId + ": userId", userId); !bad) return done(bad);
  if (Status bad = checkTtl("session " + sessionId, ttl); !bad) return done(bad);
  client_->script(Script::kClaim, sessionId, {keys_.key("session-owner", sessionId)},
                  {userId, std::to_string(ttl.count())},
                  [sessionId, done = std::move(done)](Expected<ReplyPtr> reply) {
                    if (!reply) return done(reply.error().withContext("session " + sessionId));
                    const std::string_view owner = text(reply->get());
                    if (owner.empty()) return done(unexpected("session " + sessionId));
                    done(std::string(owner));
                  });
}

void RedisSessionStore::sessionOwner(const std::string& sessionId, Callback<std::string> done) {
  if (Status bad = checkNotEmpty("sessionId", sessionId); !bad) return done(bad);
  client_->command(sessionId, {"GET", keys_.key("session-owner", sessionId)},
                   [sessionId, done = std::move(done)](Expected<ReplyPtr> reply) {
                     if (!reply) return done(reply.error().withContext("session " + sessionId));
                     if ((*reply)->type != REDIS_REPLY_STRING) {
                       return done(Status(Code::kNotFound, "session " + sessionId + ": no owner"));
                     }
                     done(std::string(text(reply->get())));
                   });
}

void RedisSessionStore::addSubscription(const std::string& connectionId, const std::string& sessionId,
                                        StatusCallback done) {
  if (Status bad = checkNotEmpty("connectionId", connectionId); !bad) return done(bad);
  if (Status bad = checkNotEmpty("sessionId", sessionId); !bad) return done(bad);
  client_->script(
      Script::kAddSubscription, connectionId,
      {keys_.key("conn", connectionId), keys_.key("conn-subs", connectionId),
       keys_.key("session-subs", sessionId)},
      {connectionId, sessionId}, [connectionId, done = std::move(done)](Expected<ReplyPtr> reply) {
        const std::string what = "connection " + connectionId;
        if (!reply) return done(reply.error().withContext(what));
        done(integer(reply->get()) == 1 ? Status::ok() : Status(Code::kNotFound, what + ": not registered"));
      });
}

void RedisSessionStore::removeSubscription(const std::string& connectionId, const std::string& sessionId,
                                           StatusCallback done) {
  if (Status bad = checkNotEmpty("connectionId", connectionId); !bad) return done(bad);
  if (Status bad = checkNotEmpty("sessionId", sessionId); !bad) return done(bad);
  run(Script::kRemoveSubscription, connectionId,
      {keys_.key("conn-subs", connectionId), keys_.key("session-subs", sessionId)}, {connectionId, sessionId},
      "connection " + connectionId, std::move(done));
}

void RedisSessionStore::subscribers(const std::string& sessionId,
                                    Callback<std::vector<ConnectionInfo>> done) {
  if (Status bad = checkNotEmpty("sessionId", sessionId); !bad) return done(bad);
  client_->script(Script::kSubscribers, sessionId, {keys_.key("session-subs", sessionId)},
                  {keys_.tag("conn")}, [sessionId, done = std::move(done)](Expected<ReplyPtr> reply) {
                    if (!reply) return done(reply.error().withContext("session " + sessionId));
                    std::vector<ConnectionInfo> found;
                    const redisReply* r = reply->get();
                    for (std::size_t i = 0; i + 3 <= size(r); i += 3) {
                      found.push_back(ConnectionInfo{std::string(text(element(r, i))),
                                                     std::string(text(element(r, i + 1))),
                                                     std::string(text(element(r, i + 2)))});
                    }
                    done(std::move(found));
                  });
}

void RedisSessionStore::sweep(Callback<SweepResult> done) {
  const std::string nodes = keys_.key("nodes");
  client_->script(Script::kSweep, nodes, {nodes},
                  {keys_.tag("node"), keys_.tag("node-conns"), keys_.tag("conn"), keys_.tag("conn-subs"),
                   keys_.tag("session-subs")},
                  [done = std::move(done)](Expected<ReplyPtr> reply) {
                    if (!reply) return done(reply.error().withContext("sweep"));
                    const redisReply* r = reply->get();
                    const auto removed = integer(element(r, 0));
                    if (!removed) return done(unexpected("sweep"));
                    SweepResult result;
                    result.connectionsRemoved = static_cast<std::size_t>(*removed);
                    for (std::size_t i = 1; i < size(r); ++i) result.nodes.emplace_back(text(element(r, i)));
                    done(std::move(result));
                  });
}

void RedisSessionStore::connectionCounts(Callback<std::map<std::string, std::size_t>> done) {
  const std::string nodes = keys_.key("nodes");
  client_->script(Script::kConnectionCounts, nodes, {nodes}, {keys_.tag("node"), keys_.tag("node-conns")},
                  [done = std::move(done)](Expected<ReplyPtr> reply) {
                    if (!reply) return done(reply.error().withContext("connection counts"));
                    std::map<std::string, std::size_t> counts;
                    const redisReply* r = reply->get();
                    for (std::size_t i = 0; i + 1 < size(r); i += 2) {
                      counts[std::string(text(element(r, i)))] =
                          static_cast<std::size_t>(integer(element(r, i + 1)).value_or(0));
                    }
                    done(std::move(counts));
                  });
}

}  // namespace streamgate::redis
