#include "kafka_message_bus.h"

#include "streamgate/request_checks.h"

namespace streamgate::kafka {

KafkaMessageBus::KafkaMessageBus(std::shared_ptr<KafkaLog> log, std::shared_ptr<Logger> logger)
    : log_(std::move(log)), listeners_(ChannelListeners::create(std::move(logger), "kafka bus")) {}

void KafkaMessageBus::publish(const std::string& channel, std::string payload, StatusCallback done) {
  if (Status bad = checkPublish(channel); !bad) return done(bad);
  log_->produce(OutgoingRecord{channel, std::move(payload), {}}, std::move(done));
}

std::shared_ptr<Subscription> KafkaMessageBus::subscribe(const std::string& channel, MessageHandler handler,
                                                         StatusCallback ready) {
  if (Status bad = checkSubscribe(channel, static_cast<bool>(handler)); !bad) {
    ready(bad);
    return std::make_shared<Subscription>();
  }
  auto added = listeners_->add(channel, std::move(handler));
  // Every record produced from now on lies past what this node has read, and
  // the node reads every partition: it reaches the listener. Ready at once.
  ready(Status::ok());
  return added.handle;
}

}  // namespace streamgate::kafka
