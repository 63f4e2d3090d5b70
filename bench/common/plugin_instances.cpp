#include "common/plugin_instances.h"

#include <iostream>
#include <stdexcept>

#include "plugin/plugin_registry.h"

namespace streamgate::bench {

void BenchLogger::log(LogLevel level, std::string_view message) {
  if (!enabled(level)) return;
  std::lock_guard lock(mutex_);
  std::cerr << prefix_ << message << '\n';
  messages_.emplace_back(message);
}

std::vector<std::string> BenchLogger::messagesWith(std::string_view needle) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> found;
  for (const auto& message : messages_)
    if (message.find(needle) != std::string::npos) found.push_back(message);
  return found;
}

PluginInstances::PluginInstances(const std::filesystem::path& pluginDir, const std::string& name,
                                 std::string yaml, std::shared_ptr<BenchLogger> logger)
    : config_{std::move(yaml), "plugins." + name}, logger_(std::move(logger)) {
  auto library = PluginLibrary::open(pluginDir / PluginRegistry::fileName(name));
  if (!library) throw std::runtime_error(library.status().toString());
  library_ = *library;
}

std::shared_ptr<Backend> PluginInstances::create(std::string nodeId, std::uint32_t capabilities) const {
  auto backend =
      library_->create(PluginContext{std::move(nodeId), steadyClock(), logger_, capabilities}, config_);
  if (!backend) throw std::runtime_error(backend.status().toString());
  return *backend;
}

std::string yamlQuoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace streamgate::bench
