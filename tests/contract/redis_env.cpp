// The redis plugin under the contract suites: a real redis-server on a free
// loopback port, started once per test process with requirepass on (so
// every test also proves AUTH). Each environment gets its own key prefix;
// TTL tests wait in real time because the server keeps the time.
#include <memory>
#include <random>
#include <thread>

#include "backend_env.h"
#include "redis_server.h"

namespace streamgate::contract {
namespace {

testing::RedisServer& sharedServer() {
  static const auto server = [] {
    auto started = std::make_unique<testing::RedisServer>();
    started->start();
    return started;
  }();
  return *server;
}

class RedisEnv final : public BackendEnv {
 public:
  std::string pluginName() const override { return "redis"; }

  std::string sectionYaml(std::string_view extraKeys) const override {
    auto& server = sharedServer();
    std::string yaml = "url: " + server.url() + "\npassword: " + server.password() + "\nkey_prefix: '" +
                       prefix_ + "'\ncommand_timeout: 1s\n";
    if (!extraKeys.empty()) yaml += std::string(extraKeys) + "\n";
    return yaml;
  }

  std::shared_ptr<const Clock> clock() const override { return steadyClock(); }
  bool storePublishesEvents() const override { return true; }
  void advance(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }

  std::string skipReason() const override { return testing::RedisServer::unavailableReason(); }

 private:
  std::string prefix_ = std::to_string(std::random_device{}()).append(":");
};

STREAMGATE_REGISTER_BACKEND_ENV(RedisEnv, "redis", kSessionStore | kMessageBus | kLockProvider | kStreamStore)

}  // namespace
}  // namespace streamgate::contract
