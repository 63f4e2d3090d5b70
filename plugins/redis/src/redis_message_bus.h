// MessageBus on Redis pub/sub: PUBLISH through the command lanes (pipelined
// with everything else), SUBSCRIBE on the dedicated subscriber connection,
// one server subscription per channel per node however many local
// listeners it has. Channels are prefixed with key_prefix (pub/sub ignores
// the database number, so the prefix is what separates deployments).
// Contract: streamgate/message_bus.h.
#pragma once

#include <memory>

#include "redis_client.h"
#include "redis_subscriber.h"
#include "streamgate/channel_listeners.h"
#include "streamgate/message_bus.h"

namespace streamgate::redis {

class RedisMessageBus final : public MessageBus {
 public:
  RedisMessageBus(std::shared_ptr<RedisClient> client, std::shared_ptr<Logger> logger);
  ~RedisMessageBus() override;

  void publish(const std::string& channel, std::string payload, StatusCallback done) override;
  std::shared_ptr<Subscription> subscribe(const std::string& channel, MessageHandler handler,
                                          StatusCallback ready) override;

 private:
  std::shared_ptr<RedisClient> client_;
  std::shared_ptr<ChannelListeners> listeners_;
  std::shared_ptr<RedisSubscriber> subscriber_;
};

}  // namespace streamgate::redis
