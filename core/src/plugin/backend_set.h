// Turns the `plugins:` and `backends:` settings into live capability objects.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "config/settings.h"
#include "plugin/plugin_registry.h"

namespace streamgate {

struct BackendSet {
  std::map<std::string, std::shared_ptr<Backend>> instances;  // one per chosen plugin
  std::shared_ptr<SessionStore> sessionStore;
  std::shared_ptr<MessageBus> messageBus;
  std::shared_ptr<LockProvider> lockProvider;
  std::shared_ptr<StreamStore> streamStore;
  // The stream store's plugin also serves the bus and publishes what it
  // stores (Backend::storePublishesEvents): producers must not publish again.
  bool storePublishesEvents = false;
};

// Loads plugins.load files, then every plugin named under backends: or
// plugins:, then checks each chosen plugin provides its capability.
Status loadPlugins(const Settings& settings, PluginRegistry& registry);

// Each loaded plugin checks its own section; nothing connects.
Status validatePlugins(const Settings& settings, const PluginRegistry& registry);

// One instance per plugin chosen under backends:, shared by its capabilities.
Expected<BackendSet> createBackends(const Settings& settings, const PluginRegistry& registry,
                                    const PluginContext& context);

}  // namespace streamgate
