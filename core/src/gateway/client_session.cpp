#include "gateway/client_session.h"

#include <algorithm>

#include "gateway/metrics.h"
#include "gateway/stream_service.h"
#include "gateway/stream_writer.h"
#include "gateway/token_verifier.h"

namespace streamgate::gateway {
namespace {

constexpr std::size_t kFinishedMemory = 256;

std::string streamKey(const std::string& sessionId, const std::string& messageId) {
  return sessionId + "/" + messageId;
}

// Backend trouble gets its own stable code; anything else is our bug.
std::string_view codeFor(const Status& status) {
  switch (status.code()) {
    case Code::kUnavailable:
    case Code::kTimeout:
      return error_code::kBackendUnavailable;
    case Code::kNotFound:
      return error_code::kNotFound;
    case Code::kInvalidArgument:
      return error_code::kBadRequest;
    default:
      return error_code::kInternal;
  }
}

}  // namespace

ClientSession::ClientSession(GatewayContext& context, const std::shared_ptr<net::WsConnection>& connection,
                             std::string userId)
    : context_(context),
      connection_(connection),
      loop_(connection->loop()),
      connectionId_(connection->id()),
      userId_(std::move(userId)),
      tokens_(context.settings.limits.messageBurst),
      tokensAt_(loop_.now()) {}

template <class T>
Callback<T> ClientSession::onLoop(std::function<void(ClientSession&, Expected<T>)> body) {
  return [weak = weak_from_this(), loop = &loop_, body = std::move(body)](Expected<T> result) mutable {
    loop->queueInLoop([weak, body = std::move(body), result = std::move(result)]() mutable {
      if (auto self = weak.lock(); self && !self->closed_) body(*self, std::move(result));
    });
  };
}

StatusCallback ClientSession::onLoopStatus(std::function<void(ClientSession&, Status)> body) {
  return [weak = weak_from_this(), loop = &loop_, body = std::move(body)](Status status) mutable {
    loop->queueInLoop([weak, body = std::move(body), status = std::move(status)]() mutable {
      if (auto self = weak.lock(); self && !self->closed_) body(*self, std::move(status));
    });
  };
}

void ClientSession::onOpen() {
  context_.metrics.connectionsOpened.fetch_add(1, std::memory_order_relaxed);
  sendJson(welcomeJson(connectionId_, context_.nodeId, userId_));
  if (!userId_.empty()) {
    context_.sessionStore->registerConnection(
        ConnectionInfo{connectionId_, userId_, context_.nodeId},
        [this, weak = weak_from_this()](Status status) {
          if (!status && weak.lock()) {
            context_.metrics.backendErrors.fetch_add(1, std::memory_order_relaxed);
            context_.log.warning("register connection %s: %s", connectionId_, status.toString());
          }
        });
  }
}

void ClientSession::onClosed() {
  closed_ = true;
  context_.metrics.connectionsClosed.fetch_add(1, std::memory_order_relaxed);
  for (const auto& [sessionId, watched] : watched_) context_.hub.leave(sessionId, loop_, this);
  watched_.clear();
  if (!userId_.empty()) {
    context_.sessionStore->unregisterConnection(connectionId_, [&metrics = context_.metrics](Status status) {
      if (!status) metrics.backendErrors.fetch_add(1, std::memory_order_relaxed);
    });
  }
}

bool ClientSession::allowMessage() {
  const auto now = loop_.now();
  const double elapsed = std::chrono::duration<double>(now - tokensAt_).count();
  tokensAt_ = now;
  const auto& limits = context_.settings.limits;
  tokens_ = std::min(limits.messageBurst, tokens_ + elapsed * limits.messagesPerSecond);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

void ClientSession::onText(std::string_view text) {
  context_.metrics.messagesReceived.fetch_add(1, std::memory_order_relaxed);
  if (!allowMessage()) {
    context_.metrics.rateLimited.fetch_add(1, std::memory_order_relaxed);
    sendError(error_code::kRateLimited, "too many messages: at most " +
                                            std::to_string(context_.settings.limits.messagesPerSecond) +
                                            " per second");
    return;
  }
  auto message = parseClientMessage(text);
  if (!message) {
    sendError(error_code::kBadRequest, message.error().message());
    return;
  }
  const bool isAuth = std::holds_alternative<AuthMessage>(*message);
  const bool isPing = std::holds_alternative<PingMessage>(*message);
  if (userId_.empty() && !isAuth && !isPing) {
    sendError(error_code::kUnauthorized, "authenticate first: send {\"type\":\"auth\",\"token\":...}");
    return;
  }
  std::visit([this](auto&& typed) { handle(std::move(typed)); }, std::move(*message));
}

void ClientSession::onBinary() {
  context_.metrics.messagesReceived.fetch_add(1, std::memory_order_relaxed);
  sendError(error_code::kBadRequest, "binary messages are not part of protocol v1: send JSON text");
}

void ClientSession::handle(AuthMessage message) {
  if (!userId_.empty()) {
    sendError(error_code::kBadRequest, "already authenticated as " + userId_);
    return;
  }
  if (context_.verifier == nullptr) {
    sendError(error_code::kBadRequest, "authentication is off on this server");
    return;
  }
  auto user = context_.verifier->verify(message.token, std::chrono::system_clock::now());
  if (!user) {
    sendError(error_code::kUnauthorized, user.error().message());
    return;
  }
  userId_ = std::move(*user);
  sendJson(authenticatedJson(userId_));
  context_.sessionStore->registerConnection(ConnectionInfo{connectionId_, userId_, context_.nodeId},
                                            [&metrics = context_.metrics](Status status) {
                                              if (!status) metrics.backendErrors.fetch_add(1);
                                            });
}

void ClientSession::handle(PingMessage) { sendJson(pongJson()); }

void ClientSession::watch(const std::string& sessionId, const ErrorContext& context,
                          std::function<void(Status)> then) {
  if (auto it = watched_.find(sessionId); it != watched_.end()) {
    if (it->second.ready) {
      then(Status::ok());
    } else {
      it->second.pending.push_back(
          Watched::Pending{std::string(context.messageId), std::string(context.requestId), std::move(then)});
    }
    return;
  }
  if (watched_.size() >= context_.settings.limits.maxSubscriptions) {
    sendError(
        error_code::kLimitExceeded,
        "at most " + std::to_string(context_.settings.limits.maxSubscriptions) + " sessions per connection",
        context);
    then(Status(Code::kUnavailable, "limit"));
    return;
  }
  watched_[sessionId].pending.push_back(
      Watched::Pending{std::string(context.messageId), std::string(context.requestId), std::move(then)});

  // Both failures below end every pending action, each with its own error frame.
  const auto fail = [sessionId](ClientSession& self, const Status& status, std::string_view code,
                                const std::string& message) {
    const auto it = self.watched_.find(sessionId);
    if (it == self.watched_.end()) return;
    auto pending = std::move(it->second.pending);
    if (it->second.ready || !it->second.cursors.empty()) {
      it->second.pending.clear();
    } else {
      self.watched_.erase(it);
    }
    for (auto& waiting : pending) {
      self.sendError(code, message, ErrorContext{sessionId, waiting.messageId, waiting.requestId});
      waiting.action(status);
    }
  };

  const auto joinHub = [sessionId, fail](ClientSession& self) {
    self.context_.hub.join(
        sessionId, self.loop_, &self, [weak = self.weak_from_this(), sessionId, fail](Status ready) {
          auto self = weak.lock();
          if (!self || self->closed_) return;
          const auto it = self->watched_.find(sessionId);
          if (it == self->watched_.end()) return;
          if (!ready) {
            self->context_.metrics.backendErrors.fetch_add(1, std::memory_order_relaxed);
            self->context_.hub.leave(sessionId, self->loop_, self.get());
            fail(*self, ready, error_code::kBackendUnavailable,
                 "cannot subscribe to session " + sessionId + ": " + ready.message());
            return;
          }
          it->second.ready = true;
          self->context_.sessionStore->addSubscription(self->connectionId_, sessionId, [](Status) {});
          auto pending = std::move(it->second.pending);
          it->second.pending.clear();
          for (auto& waiting : pending) waiting.action(Status::ok());
        });
  };

  if (owned_.count(sessionId) > 0) {
    joinHub(*this);
    return;
  }
  context_.sessionStore->claimSession(
      sessionId, userId_, context_.settings.sessions.ownershipTtl,
      onLoop<std::string>([sessionId, fail, joinHub](ClientSession& self, Expected<std::string> owner) {
        if (!owner) {
          self.context_.metrics.backendErrors.fetch_add(1, std::memory_order_relaxed);
          fail(self, owner.error(), codeFor(owner.error()),
               "cannot check who owns session " + sessionId + ": " + owner.error().message());
          return;
        }
        if (*owner != self.userId_) {
          fail(self, Status(Code::kNotOwner, "forbidden"), error_code::kForbidden,
               "session " + sessionId + " belongs to another user");
          return;
        }
        self.owned_.insert(sessionId);
        joinHub(self);
      }));
}

void ClientSession::unwatch(const std::string& sessionId) {
  if (watched_.erase(sessionId) == 0) return;
  context_.hub.leave(sessionId, loop_, this);
  context_.sessionStore->removeSubscription(connectionId_, sessionId, [](Status) {});
}

void ClientSession::handle(SubscribeMessage message) {
  const ErrorContext context{
      message.sessionId,
      message.sinceMessageId ? std::string_view(*message.sinceMessageId) : std::string_view(),
      {}};
  watch(message.sessionId, context, [weak = weak_from_this(), message](Status status) {
    auto self = weak.lock();
    if (!self || !status) return;
    self->sendJson(subscribedJson(message.sessionId));
    if (message.sinceMessageId) {
      self->context_.metrics.resumes.fetch_add(1, std::memory_order_relaxed);
      if (StreamCursor* cursor =
              self->follow({message.sessionId, *message.sinceMessageId}, message.sinceIndex + 1)) {
        cursor->catchUp();
      }
    }
  });
}

void ClientSession::handle(UnsubscribeMessage message) {
  unwatch(message.sessionId);
  sendJson(unsubscribedJson(message.sessionId));
}

void ClientSession::handle(ResumeMessage message) {
  const ErrorContext context{message.sessionId, message.messageId, {}};
  watch(message.sessionId, context, [weak = weak_from_this(), message](Status status) {
    auto self = weak.lock();
    if (!self || !status) return;
    self->context_.metrics.resumes.fetch_add(1, std::memory_order_relaxed);
    // A resume replaces whatever this connection knew of the stream.
    const std::string key = streamKey(message.sessionId, message.messageId);
    self->finished_.erase(key);
    auto& cursors = self->watched_[message.sessionId].cursors;
    cursors.erase(message.messageId);
    if (StreamCursor* cursor =
            self->follow({message.sessionId, message.messageId}, message.lastChunkIndex + 1)) {
      cursor->markStartedSent();
      cursor->catchUp();
    }
  });
}

void ClientSession::handle(ChatMessage message) {
  const ErrorContext context{message.sessionId, {}, message.requestId};
  watch(message.sessionId, context, [weak = weak_from_this(), message](Status status) {
    auto self = weak.lock();
    if (!self || !status) return;
    const StreamId stream{message.sessionId,
                          StreamService::messageIdFor(message.sessionId, message.requestId)};
    // Follow before the producer starts, so its first event finds the cursor.
    StreamCursor* cursor = self->follow(stream, 0);
    if (cursor == nullptr) return;
    self->context_.streams->startChat(
        self->loop_, message, stream,
        self->onLoop<StreamStart>([message, stream](ClientSession& self, Expected<StreamStart> started) {
          const auto watched = self.watched_.find(stream.sessionId);
          if (watched == self.watched_.end()) return;  // unsubscribed meanwhile
          auto& cursors = watched->second.cursors;
          const auto it = cursors.find(stream.messageId);
          if (!started) {
            self.sendError(codeFor(started.error()), started.error().message(),
                           ErrorContext{stream.sessionId, stream.messageId, message.requestId});
            if (it != cursors.end() && it->second->nextIndex() == 0) cursors.erase(it);
            return;
          }
          if (it == cursors.end()) return;  // already delivered to the end
          StreamCursor& cursor = *it->second;
          if (!cursor.startedSent()) {
            cursor.markStartedSent();
            self.sendJson(startedJson(stream, message.requestId));
          }
          // An earlier attempt of the same request already stored chunks.
          if (started->existing) cursor.catchUp();
        }));
  });
}

void ClientSession::handle(CancelMessage message) {
  const ErrorContext context{message.sessionId, message.messageId, {}};
  watch(message.sessionId, context, [weak = weak_from_this(), message](Status status) {
    auto self = weak.lock();
    if (!self || !status) return;
    self->context_.writer.publishCancelRequest(
        StreamId{message.sessionId, message.messageId},
        self->onLoopStatus([message](ClientSession& self, Status published) {
          if (!published) {
            self.sendError(error_code::kBackendUnavailable, "cannot cancel: " + published.message(),
                           ErrorContext{message.sessionId, message.messageId, {}});
          }
        }));
  });
}

StreamCursor* ClientSession::follow(const StreamId& stream, std::int64_t nextIndex) {
  auto& watched = watched_[stream.sessionId];
  auto& cursor = watched.cursors[stream.messageId];
  if (!cursor) {
    std::size_t following = 0;
    for (const auto& [id, w] : watched_) following += w.cursors.size();
    if (following > context_.settings.limits.maxStreamsPerConnection) {
      watched.cursors.erase(stream.messageId);
      sendError(error_code::kLimitExceeded,
                "at most " + std::to_string(context_.settings.limits.maxStreamsPerConnection) +
                    " streams followed at once",
                ErrorContext{stream.sessionId, stream.messageId, {}});
      return nullptr;
    }
    cursor = std::make_shared<StreamCursor>(stream, nextIndex, *this);
    watched.lastEvent[stream.messageId] = loop_.now();
  }
  return cursor.get();
}

void ClientSession::onSessionEvent(const std::string& sessionId, const EventView& event,
                                   const net::Frame& frame) {
  const auto it = watched_.find(sessionId);
  if (it == watched_.end() || !it->second.ready || !frame) return;
  // Every chunk comes through here: look up by the event's view, copy the
  // id only for a stream seen for the first time.
  auto cursorIt = it->second.cursors.find(event.messageId);
  if (cursorIt == it->second.cursors.end()) {
    const std::string messageId(event.messageId);
    if (isFinished(streamKey(sessionId, messageId))) return;  // a late duplicate
    // A stream this connection has not seen yet: deliver it from its start.
    if (follow(StreamId{sessionId, messageId}, 0) == nullptr) return;
    cursorIt = it->second.cursors.find(messageId);
  }
  std::shared_ptr<StreamCursor> cursor = cursorIt->second;
  const std::string& messageId = cursor->stream().messageId;
  if (auto last = it->second.lastEvent.find(messageId); last != it->second.lastEvent.end()) {
    last->second = loop_.now();
  } else {
    it->second.lastEvent.emplace(messageId, loop_.now());
  }
  cursor->onLive(event.kind, event.index, frame);
  if (cursor->finished()) {
    rememberFinished(streamKey(sessionId, messageId));
    it->second.cursors.erase(messageId);
    it->second.lastEvent.erase(messageId);
  }
}

void ClientSession::checkStalled(net::EventLoop::Clock::time_point now) {
  const auto quiet = context_.settings.streams.stallCheck;
  for (auto& [sessionId, watched] : watched_) {
    for (auto& [messageId, cursor] : watched.cursors) {
      auto& last = watched.lastEvent[messageId];
      if (now - last < quiet || cursor->reading()) continue;
      last = now;
      cursor->catchUp();
    }
  }
}

void ClientSession::deliverFrame(const net::Frame& frame, bool isChunk) {
  auto connection = connection_.lock();
  if (!connection) return;
  connection->send(frame);
  context_.metrics.framesSent.fetch_add(1, std::memory_order_relaxed);
  if (isChunk) context_.metrics.chunksDelivered.fetch_add(1, std::memory_order_relaxed);
}

void ClientSession::deliverJson(std::string json, bool isChunk) {
  deliverFrame(std::make_shared<const std::string>(net::encodeFrame(net::WsOpcode::kText, json)), isChunk);
}

void ClientSession::readStore(const StreamId& stream, std::int64_t from,
                              std::function<void(Expected<StreamSlice>)> done) {
  context_.metrics.storeReads.fetch_add(1, std::memory_order_relaxed);
  context_.streamStore->read(
      stream, from, context_.settings.streams.readBatch,
      onLoop<StreamSlice>([stream, done = std::move(done)](ClientSession& self, Expected<StreamSlice> slice) {
        done(std::move(slice));
        // The read may have finished the stream.
        auto it = self.watched_.find(stream.sessionId);
        if (it == self.watched_.end()) return;
        auto cursor = it->second.cursors.find(stream.messageId);
        if (cursor != it->second.cursors.end() && cursor->second->finished()) {
          self.rememberFinished(streamKey(stream.sessionId, stream.messageId));
          it->second.cursors.erase(cursor);
          it->second.lastEvent.erase(stream.messageId);
        }
      }));
}

void ClientSession::cursorFailed(const StreamId& stream, std::string_view code, std::string_view message) {
  sendError(code, message, ErrorContext{stream.sessionId, stream.messageId, {}});
}

void ClientSession::sendError(std::string_view code, std::string_view message, const ErrorContext& context) {
  context_.metrics.protocolErrors.fetch_add(1, std::memory_order_relaxed);
  sendJson(errorJson(code, message, context));
}

void ClientSession::sendJson(const std::string& json) {
  if (auto connection = connection_.lock()) {
    connection->sendText(json);
    context_.metrics.framesSent.fetch_add(1, std::memory_order_relaxed);
  }
}

bool ClientSession::isFinished(const std::string& key) const { return finished_.count(key) > 0; }

void ClientSession::rememberFinished(const std::string& key) {
  if (!finished_.insert(key).second) return;
  finishedOrder_.push_back(key);
  if (finishedOrder_.size() > kFinishedMemory) {
    finished_.erase(finishedOrder_.front());
    finishedOrder_.pop_front();
  }
}

}  // namespace streamgate::gateway
