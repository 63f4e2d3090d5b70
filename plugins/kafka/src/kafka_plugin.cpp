// The kafka plugin: the message bus and the stream store on one Kafka topic
// whose log every node reads (keys: kafka_config.h). It provides neither
// locks nor a session registry: pair it with redis for those.
#include <memory>

#include "kafka_config.h"
#include "kafka_log.h"
#include "kafka_message_bus.h"
#include "kafka_stream_store.h"
#include "streamgate/plugin.h"

namespace streamgate::kafka {
namespace {

constexpr std::uint32_t kProvided = kMessageBus | kStreamStore;

class KafkaBackend final : public Backend, public LogReader {
 public:
  KafkaBackend(const PluginContext& context, const KafkaConfig& config)
      : log_(std::make_shared<KafkaLog>(config, context.logger)) {
    const std::uint32_t chosen = context.capabilities != 0 ? context.capabilities : kProvided;
    if ((chosen & kMessageBus) != 0) messageBus_ = std::make_shared<KafkaMessageBus>(log_, context.logger);
    if ((chosen & kStreamStore) != 0)
      streamStore_ = std::make_shared<KafkaStreamStore>(log_, context.clock, context.nodeId);
  }
  // The store and bus may outlive the backend in the host's hands; the log's
  // reader (this) may not.
  ~KafkaBackend() override {
    log_->stop();
    if (streamStore_) {
      streamStore_->failWrites(
          Status(Code::kUnavailable,
                 "kafka topic " + log_->config().topic + ": plugin stopped before the write was read back"));
    }
  }

  Status start() { return log_->start(*this); }

  std::shared_ptr<MessageBus> messageBus() override { return messageBus_; }
  std::shared_ptr<StreamStore> streamStore() override { return streamStore_; }
  bool storePublishesEvents() const override { return messageBus_ && streamStore_; }

  void onRecord(const IncomingRecord& record, bool live) override {
    if (streamStore_) streamStore_->fold(record, live);
    // Replayed records are history: nobody listening now asked for them.
    if (messageBus_ && live) messageBus_->dispatch(record);
  }
  void onIdle() override {
    if (streamStore_) streamStore_->expireWrites();
  }

 private:
  std::shared_ptr<KafkaLog> log_;
  std::shared_ptr<KafkaMessageBus> messageBus_;
  std::shared_ptr<KafkaStreamStore> streamStore_;
};

Status validate(const PluginConfig& config) noexcept {
  return noThrow([&]() -> Status { return KafkaConfig::read(config).status(); });
}

Expected<std::shared_ptr<Backend>> create(const PluginContext& context, const PluginConfig& config) noexcept {
  return noThrow([&]() -> Expected<std::shared_ptr<Backend>> {
    auto parsed = KafkaConfig::read(config);
    if (!parsed) return parsed.error();
    if (!context.clock || !context.logger) {
      return Status(Code::kInvalidArgument, "kafka plugin: context without clock or logger");
    }
    auto backend = std::make_shared<KafkaBackend>(context, *parsed);
    // Replays before the node opens its port: a node that is up serves
    // resumes of what was produced before it started.
    if (Status started = backend->start(); !started) return started;
    return std::shared_ptr<Backend>(std::move(backend));
  });
}

const PluginDescriptor* entry() {
  static const PluginDescriptor descriptor{
      STREAMGATE_ABI_MAJOR,
      STREAMGATE_ABI_MINOR,
      STREAMGATE_BUILD_SIGNATURE,
      "kafka",
      "0.1.0",
      kProvided,
      &validate,
      &create,
  };
  return &descriptor;
}

}  // namespace
}  // namespace streamgate::kafka

STREAMGATE_PLUGIN_ENTRY(streamgate::kafka::entry)
