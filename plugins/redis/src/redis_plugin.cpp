// The redis plugin: all four capabilities on one Redis deployment (a single
// server or a Sentinel-managed master), sharing one connection pool, one
// subscriber connection and one circuit breaker. Keys: redis_config.h.
#include <memory>

#include "redis_client.h"
#include "redis_config.h"
#include "redis_endpoint.h"
#include "redis_lock_provider.h"
#include "redis_message_bus.h"
#include "redis_session_store.h"
#include "redis_stream_store.h"
#include "streamgate/plugin.h"

namespace streamgate::redis {
namespace {

constexpr std::uint32_t kAll = kSessionStore | kMessageBus | kLockProvider | kStreamStore;

class RedisBackend final : public Backend {
 public:
  RedisBackend(const PluginContext& context, const RedisConfig& config) {
    // Only what the host chose is built: no subscriber connection for a
    // Redis that only holds locks, say. 0 means the host did not say.
    const std::uint32_t chosen = context.capabilities != 0 ? context.capabilities : kAll;
    auto endpoint = std::make_shared<RedisEndpoint>(config, context.logger);
    client_ = std::make_shared<RedisClient>(endpoint);
    publishEvents_ = (chosen & kMessageBus) != 0 && (chosen & kStreamStore) != 0;
    if ((chosen & kSessionStore) != 0) sessionStore_ = std::make_shared<RedisSessionStore>(client_);
    if ((chosen & kMessageBus) != 0) messageBus_ = std::make_shared<RedisMessageBus>(client_, context.logger);
    if ((chosen & kLockProvider) != 0)
      lockProvider_ = std::make_shared<RedisLockProvider>(client_, context.clock);
    if ((chosen & kStreamStore) != 0) {
      streamStore_ = std::make_shared<RedisStreamStore>(client_, config.retention, publishEvents_);
    }
    context.logger->log(LogLevel::kInfo, "redis plugin: " + config.describe() + ", key prefix '" +
                                             config.keyPrefix + "', " + std::to_string(config.poolSize) +
                                             " command connections");
  }

  std::shared_ptr<SessionStore> sessionStore() override { return sessionStore_; }
  std::shared_ptr<MessageBus> messageBus() override { return messageBus_; }
  std::shared_ptr<LockProvider> lockProvider() override { return lockProvider_; }
  std::shared_ptr<StreamStore> streamStore() override { return streamStore_; }
  bool storePublishesEvents() const override { return publishEvents_; }

 private:
  std::shared_ptr<RedisClient> client_;
  bool publishEvents_ = false;
  std::shared_ptr<RedisSessionStore> sessionStore_;
  std::shared_ptr<RedisMessageBus> messageBus_;
  std::shared_ptr<RedisLockProvider> lockProvider_;
  std::shared_ptr<RedisStreamStore> streamStore_;
};

Status validate(const PluginConfig& config) noexcept {
  return noThrow([&]() -> Status { return RedisConfig::read(config).status(); });
}

Expected<std::shared_ptr<Backend>> create(const PluginContext& context, const PluginConfig& config) noexcept {
  return noThrow([&]() -> Expected<std::shared_ptr<Backend>> {
    auto parsed = RedisConfig::read(config);
    if (!parsed) return parsed.error();
    if (!context.clock || !context.logger) {
      return Status(Code::kInvalidArgument, "redis plugin: context without clock or logger");
    }
    // Connections open in the background: a Redis that is down at start
    // makes the node start with the circuit open (and /ready say 503), not
    // fail, so it recovers by itself once Redis is back.
    return std::shared_ptr<Backend>(std::make_shared<RedisBackend>(context, *parsed));
  });
}

const PluginDescriptor* entry() {
  static const PluginDescriptor descriptor{
      STREAMGATE_ABI_MAJOR,
      STREAMGATE_ABI_MINOR,
      STREAMGATE_BUILD_SIGNATURE,
      "redis",
      "0.1.0",
      kAll,
      &validate,
      &create,
  };
  return &descriptor;
}

}  // namespace
}  // namespace streamgate::redis

STREAMGATE_PLUGIN_ENTRY(streamgate::redis::entry)
