#include "redis_message_bus.h"

#include "streamgate/plugin.h"
#include "streamgate/request_checks.h"

namespace streamgate::redis {

RedisMessageBus::RedisMessageBus(std::shared_ptr<RedisClient> client, std::shared_ptr<Logger> logger)
    : client_(std::move(client)) {
  // Handles may outlive the bus; their hook reaches the subscriber only while it lives.
  auto subscriber = std::make_shared<std::weak_ptr<RedisSubscriber>>();
  listeners_ = ChannelListeners::create(std::move(logger), "redis bus", [subscriber](const std::string&) {
    if (const auto live = subscriber->lock()) live->listenersChanged();
  });
  subscriber_ = std::make_shared<RedisSubscriber>(client_->endpoint(), listeners_);
  *subscriber = subscriber_;
}

RedisMessageBus::~RedisMessageBus() = default;

void RedisMessageBus::publish(const std::string& channel, std::string payload, StatusCallback done) {
  if (Status bad = checkPublish(channel); !bad) return done(bad);
  client_->command(channel, {"PUBLISH", client_->keyPrefix() + channel, std::move(payload)},
                   [channel, done = std::move(done)](Expected<ReplyPtr> reply) {
                     done(reply ? Status::ok() : reply.error().withContext("channel " + channel));
                   });
}

std::shared_ptr<Subscription> RedisMessageBus::subscribe(const std::string& channel, MessageHandler handler,
                                                         StatusCallback ready) {
  if (Status bad = checkSubscribe(channel, static_cast<bool>(handler)); !bad) {
    ready(bad);
    return std::make_shared<Subscription>();
  }
  auto added = listeners_->add(channel, std::move(handler));
  subscriber_->listenerAdded(channel, added.listener, std::move(ready));
  return added.handle;
}

}  // namespace streamgate::redis
