#include "plugin/backend_set.h"

#include <set>

namespace streamgate {
namespace {

std::set<std::string> namedPlugins(const Settings& settings) {
  std::set<std::string> names;
  for (const Capability capability : kAllCapabilities)
    names.insert(settings.backends.forCapability(capability));
  for (const auto& [name, section] : settings.plugins.sections) names.insert(name);
  return names;
}

// For the error message: every plugin in the registry or the plugin directory
// that does provide the capability.
std::string pluginsProviding(Capability capability, const Settings& settings,
                             const PluginRegistry& registry) {
  std::set<std::string> names;
  for (const auto& [name, library] : registry.plugins()) {
    if (library->provides(capability)) names.insert(name);
  }
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(settings.plugins.dir, error)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("libstreamgate_", 0) != 0 || entry.path().extension() != ".so") continue;
    if (auto library = PluginLibrary::open(entry.path()); library && (*library)->provides(capability)) {
      names.insert((*library)->descriptor().name);
    }
  }
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
  return list.empty() ? "none found in " + settings.plugins.dir.string() : list;
}

}  // namespace

Status loadPlugins(const Settings& settings, PluginRegistry& registry) {
  const std::string file = settings.source.string();
  for (const auto& path : settings.plugins.load) {
    if (auto status = registry.load(path); !status) return status.withContext(file + ": plugins.load");
  }
  for (const auto& name : namedPlugins(settings)) {
    if (auto status = registry.loadByName(settings.plugins.dir, name); !status) {
      return status.withContext(file + ": plugin '" + name + "'");
    }
  }
  for (const Capability capability : kAllCapabilities) {
    const std::string& name = settings.backends.forCapability(capability);
    if (!registry.find(name)->provides(capability)) {
      return Status(Code::kInvalidArgument,
                    file + ": backends." + std::string(capabilityKey(capability)) + ": plugin '" + name +
                        "' does not provide " + std::string(capabilityKey(capability)) +
                        " (plugins that do: " + pluginsProviding(capability, settings, registry) + ")");
    }
  }
  return Status::ok();
}

Status validatePlugins(const Settings& settings, const PluginRegistry& registry) {
  for (const auto& name : namedPlugins(settings)) {
    if (auto status = registry.find(name)->validate(settings.pluginConfig(name)); !status) {
      return status.withContext(settings.source.string());
    }
  }
  return Status::ok();
}

Expected<BackendSet> createBackends(const Settings& settings, const PluginRegistry& registry,
                                    const PluginContext& context) {
  BackendSet set;
  for (const Capability capability : kAllCapabilities) {
    const std::string& name = settings.backends.forCapability(capability);
    auto& instance = set.instances[name];
    if (!instance) {
      PluginContext own = context;
      for (const Capability chosen : kAllCapabilities) {
        if (settings.backends.forCapability(chosen) == name) own.capabilities |= chosen;
      }
      auto created = registry.find(name)->create(own, settings.pluginConfig(name));
      if (!created) return created.error().withContext(settings.source.string());
      instance = std::move(created).value();
    }
  }
  const auto& b = settings.backends;
  set.sessionStore = set.instances.at(b.sessionStore)->sessionStore();
  set.messageBus = set.instances.at(b.messageBus)->messageBus();
  set.lockProvider = set.instances.at(b.lockProvider)->lockProvider();
  set.streamStore = set.instances.at(b.streamStore)->streamStore();
  set.storePublishesEvents =
      b.streamStore == b.messageBus && set.instances.at(b.streamStore)->storePublishesEvents();
  if (!set.sessionStore || !set.messageBus || !set.lockProvider || !set.streamStore) {
    return Status(Code::kInternal, settings.source.string() +
                                       ": a plugin declared a capability but its Backend returned none");
  }
  return set;
}

}  // namespace streamgate
