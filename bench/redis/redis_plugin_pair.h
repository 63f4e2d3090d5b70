// The redis plugin as a node would hold it, loaded the host's way
// (PluginLibrary): one instance chosen for stream_store and message_bus, so
// its append script publishes every chunk (Backend::storePublishesEvents),
// and the bus the benchmark subscribes on: that same instance's, or a
// second instance's that has only the message bus (another node).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "plugin/plugin_library.h"
#include "streamgate/message_bus.h"
#include "streamgate/stream_store.h"

namespace streamgate::bench {

struct RedisPluginSettings {
  std::filesystem::path pluginDir;
  std::string url;
  std::string password;
  std::string keyPrefix;
  int poolSize = 2;
  bool separateSubscriber = false;
};

class RedisPluginPair {
 public:
  // Throws std::runtime_error with the loader's or the plugin's message.
  explicit RedisPluginPair(const RedisPluginSettings& settings);
  ~RedisPluginPair();  // the subscriber's objects first, then the publisher's (each holds the library)

  StreamStore& store() { return *store_; }
  MessageBus& subscriberBus() { return *subscriberBus_; }
  // Backend::storePublishesEvents() as the host sees it (through PluginLibrary's wrapper).
  bool reportsStorePublishes() const { return reportsStorePublishes_; }

 private:
  std::shared_ptr<Backend> publisher_;
  std::shared_ptr<Backend> subscriber_;  // null when the publisher's own bus is used
  std::shared_ptr<StreamStore> store_;
  std::shared_ptr<MessageBus> subscriberBus_;
  bool reportsStorePublishes_ = false;
};

}  // namespace streamgate::bench
