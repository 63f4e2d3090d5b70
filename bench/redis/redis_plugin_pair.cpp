#include "redis_plugin_pair.h"

#include <stdexcept>

#include "common/plugin_instances.h"

namespace streamgate::bench {
namespace {

std::string sectionYaml(const RedisPluginSettings& settings) {
  std::string yaml = "url: " + yamlQuoted(settings.url) + "\nkey_prefix: " + yamlQuoted(settings.keyPrefix) +
                     "\npool_size: " + std::to_string(settings.poolSize) + "\n";
  if (!settings.password.empty()) yaml += "password: " + yamlQuoted(settings.password) + "\n";
  return yaml;
}

}  // namespace

RedisPluginPair::RedisPluginPair(const RedisPluginSettings& settings) {
  // Warnings and errors only, so a broken connection during a run is seen.
  const PluginInstances plugin(settings.pluginDir, "redis", sectionYaml(settings),
                               std::make_shared<BenchLogger>("redis-bench plugin: ", LogLevel::kWarning));
  publisher_ = plugin.create("bench-publisher", kStreamStore | kMessageBus);
  // Not a precondition: whether the append script publishes is proven by the
  // events arriving (a run without them fails). What the host's wrapper says
  // is reported, because the node relies on it to skip its own publish.
  reportsStorePublishes_ = publisher_->storePublishesEvents();
  store_ = publisher_->streamStore();
  if (settings.separateSubscriber) {
    subscriber_ = plugin.create("bench-subscriber", kMessageBus);
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
}

}  // namespace streamgate::bench
