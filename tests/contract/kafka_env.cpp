// The kafka plugin under the contract suites: the Kafka test broker (three
// mock brokers speaking the Kafka protocol on loopback), started once per
// test process with one topic every backend of the process shares. TTL
// tests wait in real time: the plugin keeps time by record timestamps.
#include <memory>
#include <thread>

#include "backend_env.h"
#include "kafka_broker.h"

namespace streamgate::contract {
namespace {

constexpr const char* kTopic = "streamgate.contract";

testing::KafkaBroker& sharedBroker() {
  static const auto broker = [] {
    auto started = std::make_unique<testing::KafkaBroker>();
    started->start({kTopic});
    return started;
  }();
  return *broker;
}

class KafkaEnv final : public BackendEnv {
 public:
  std::string pluginName() const override { return "kafka"; }

  std::string sectionYaml(std::string_view extraKeys) const override {
    std::string yaml = "brokers: " + sharedBroker().bootstrapServers() + "\ntopic: " + kTopic +
                       "\nstartup_timeout: 10s\nproduce_timeout: 5s\n";
    if (!extraKeys.empty()) yaml += std::string(extraKeys) + "\n";
    return yaml;
  }

  std::shared_ptr<const Clock> clock() const override { return steadyClock(); }
  bool storePublishesEvents() const override { return true; }
  void advance(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }

  std::string skipReason() const override { return testing::KafkaBroker::unavailableReason(); }
};

STREAMGATE_REGISTER_BACKEND_ENV(KafkaEnv, "kafka", kMessageBus | kStreamStore)

}  // namespace
}  // namespace streamgate::contract
