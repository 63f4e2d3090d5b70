// Loaded plugins by name. A name is registered once; a second library
// claiming the same name is refused, naming both files.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "plugin/plugin_library.h"

namespace streamgate {

class PluginRegistry {
 public:
  // File name of a plugin in the plugin directory: libstreamgate_<name>.so.
  static std::string fileName(std::string_view pluginName);

  // Loads the library at path and registers it under its descriptor's name.
  Status load(const std::filesystem::path& path);

  // Loads <dir>/libstreamgate_<name>.so unless `name` is already registered,
  // and checks that the library calls itself `name`.
  Status loadByName(const std::filesystem::path& dir, const std::string& name);

  // Null when not registered.
  std::shared_ptr<const PluginLibrary> find(std::string_view name) const;

  const std::map<std::string, std::shared_ptr<const PluginLibrary>, std::less<>>& plugins() const noexcept {
    return plugins_;
  }

 private:
  std::map<std::string, std::shared_ptr<const PluginLibrary>, std::less<>> plugins_;
};

}  // namespace streamgate
