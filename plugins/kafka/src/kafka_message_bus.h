// MessageBus on the topic: publish() produces a record keyed by its channel
// (so one session's events keep their order in one partition) and completes
// when Kafka acknowledged it (acks=all), so a lost publish is an error, not
// silence. Every node reads every partition and hands each record that
// arrives after its start to the local listeners of the record's channel.
// Contract: streamgate/message_bus.h.
#pragma once

#include <memory>

#include "kafka_log.h"
#include "streamgate/channel_listeners.h"
#include "streamgate/message_bus.h"

namespace streamgate::kafka {

class KafkaMessageBus final : public MessageBus {
 public:
  KafkaMessageBus(std::shared_ptr<KafkaLog> log, std::shared_ptr<Logger> logger);

  void publish(const std::string& channel, std::string payload, StatusCallback done) override;
  std::shared_ptr<Subscription> subscribe(const std::string& channel, MessageHandler handler,
                                          StatusCallback ready) override;

  // The log reader's part (consumer thread).
  void dispatch(const IncomingRecord& record) { listeners_->deliver(record.key(), record.value()); }

 private:
  std::shared_ptr<KafkaLog> log_;
  std::shared_ptr<ChannelListeners> listeners_;
};

}  // namespace streamgate::kafka
