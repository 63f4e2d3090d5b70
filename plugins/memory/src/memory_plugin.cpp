// The memory plugin: every capability in-process, for a single node and for
// tests. Nothing is shared between processes and nothing survives a restart.
//
// Config section (plugins.memory):
//   stream_ttl:     1h    a stream with no write for this long is dropped
//   completed_ttl:  10m   a finished stream stays resumable this long
#include <memory>

#include "memory_lock_provider.h"
#include "memory_message_bus.h"
#include "memory_session_store.h"
#include "memory_stream_store.h"
#include "streamgate/config_section.h"
#include "streamgate/plugin.h"
#include "streamgate/stream_retention.h"

namespace streamgate::memory {
namespace {

Expected<StreamRetention> readConfig(const PluginConfig& config) {
  auto section = ConfigSection::parse(config.yaml, config.path);
  if (!section) return section.error();
  const StreamRetention retention = StreamRetention::read(*section);
  if (Status status = section->status(); !status) return status;
  return retention;
}

class MemoryBackend final : public Backend {
 public:
  MemoryBackend(const PluginContext& context, StreamRetention retention)
      : sessionStore_(std::make_shared<MemorySessionStore>(context.clock)),
        messageBus_(std::make_shared<MemoryMessageBus>(context.logger)),
        lockProvider_(std::make_shared<MemoryLockProvider>(context.clock)),
        streamStore_(std::make_shared<MemoryStreamStore>(context.clock, retention)) {}

  std::shared_ptr<SessionStore> sessionStore() override { return sessionStore_; }
  std::shared_ptr<MessageBus> messageBus() override { return messageBus_; }
  std::shared_ptr<LockProvider> lockProvider() override { return lockProvider_; }
  std::shared_ptr<StreamStore> streamStore() override { return streamStore_; }

 private:
  std::shared_ptr<MemorySessionStore> sessionStore_;
  std::shared_ptr<MemoryMessageBus> messageBus_;
  std::shared_ptr<MemoryLockProvider> lockProvider_;
  std::shared_ptr<MemoryStreamStore> streamStore_;
};

Status validate(const PluginConfig& config) noexcept {
  return noThrow([&]() -> Status { return readConfig(config).status(); });
}

Expected<std::shared_ptr<Backend>> create(const PluginContext& context, const PluginConfig& config) noexcept {
  return noThrow([&]() -> Expected<std::shared_ptr<Backend>> {
    auto retention = readConfig(config);
    if (!retention) return retention.error();
    if (!context.clock || !context.logger) {
      return Status(Code::kInvalidArgument, "memory plugin: context without clock or logger");
    }
    return std::shared_ptr<Backend>(std::make_shared<MemoryBackend>(context, *retention));
  });
}

const PluginDescriptor* entry() {
  static const PluginDescriptor descriptor{
      STREAMGATE_ABI_MAJOR,
      STREAMGATE_ABI_MINOR,
      STREAMGATE_BUILD_SIGNATURE,
      "memory",
      "0.1.0",
      kSessionStore | kMessageBus | kLockProvider | kStreamStore,
      &validate,
      &create,
  };
  return &descriptor;
}

}  // namespace
}  // namespace streamgate::memory

STREAMGATE_PLUGIN_ENTRY(streamgate::memory::entry)
