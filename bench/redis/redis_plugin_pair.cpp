#include "redis_plugin_pair.h"

#include <iostream>
#include <stdexcept>

#include "plugin/plugin_registry.h"
#include "streamgate/logger.h"

namespace streamgate::bench {
namespace {

// Warnings and errors only, so a broken connection during a run is seen.
class StderrLogger final : public Logger {
 public:
  void log(LogLevel level, std::string_view message) override {
    if (enabled(level)) std::cerr << "redis-bench plugin: " << message << '\n';
  }
  bool enabled(LogLevel level) const noexcept override { return level >= LogLevel::kWarning; }
};

std::string sectionYaml(const RedisPluginSettings& settings) {
  // Single-quoted YAML scalars: only a quote needs escaping.
  const auto quoted = [](const std::string& text) {
    std::string out = "'";
    for (const char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  };
  std::string yaml = "url: " + quoted(settings.url) + "\nkey_prefix: " + quoted(settings.keyPrefix) +
                     "\npool_size: " + std::to_string(settings.poolSize) + "\n";
  if (!settings.password.empty()) yaml += "password: " + quoted(settings.password) + "\n";
  return yaml;
}

}  // namespace

RedisPluginPair::RedisPluginPair(const RedisPluginSettings& settings) {
  auto library = PluginLibrary::open(settings.pluginDir / PluginRegistry::fileName("redis"));
  if (!library) throw std::runtime_error(library.status().toString());
  library_ = *library;
  const PluginConfig config{sectionYaml(settings), "plugins.redis"};
  const auto logger = std::make_shared<StderrLogger>();
  const auto create = [&](std::string nodeId, std::uint32_t capabilities) {
    auto backend =
        library_->create(PluginContext{std::move(nodeId), steadyClock(), logger, capabilities}, config);
    if (!backend) throw std::runtime_error(backend.status().toString());
    return *backend;
  };
  publisher_ = create("bench-publisher", kStreamStore | kMessageBus);
  // Not a precondition: whether the append script publishes is proven by the
  // events arriving (a run without them fails). What the host's wrapper says
  // is reported, because the node relies on it to skip its own publish.
  reportsStorePublishes_ = publisher_->storePublishesEvents();
  store_ = publisher_->streamStore();
  if (settings.separateSubscriber) {
    subscriber_ = create("bench-subscriber", kMessageBus);
    subscriberBus_ = subscriber_->messageBus();
  } else {
    subscriberBus_ = publisher_->messageBus();
  }
  if (!store_ || !subscriberBus_)
    throw std::runtime_error("the redis plugin lacks a stream store or message bus");
}

RedisPluginPair::~RedisPluginPair() {
  subscriberBus_.reset();
  subscriber_.reset();
  store_.reset();
  publisher_.reset();
  library_.reset();
}

}  // namespace streamgate::bench
