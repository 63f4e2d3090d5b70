#include "plugin/plugin_registry.h"

namespace streamgate {

std::string PluginRegistry::fileName(std::string_view pluginName) {
  return "libstreamgate_" + std::string(pluginName) + ".so";
}

Status PluginRegistry::load(const std::filesystem::path& path) {
  auto library = PluginLibrary::open(path);
  if (!library) return library.error();
  const std::string name = (*library)->descriptor().name;
  if (const auto existing = find(name)) {
    return Status(Code::kConflict, "plugin " + path.string() + ": name '" + name + "' is already taken by " +
                                       existing->path().string());
  }
  plugins_.emplace(name, std::move(library).value());
  return Status::ok();
}

Status PluginRegistry::loadByName(const std::filesystem::path& dir, const std::string& name) {
  if (find(name)) return Status::ok();
  const auto path = dir / fileName(name);
  auto library = PluginLibrary::open(path);
  if (!library) return library.error();
  const std::string actual = (*library)->descriptor().name;
  if (actual != name) {
    return Status(Code::kInvalidArgument,
                  "plugin " + path.string() + ": calls itself '" + actual + "', expected '" + name + "'");
  }
  plugins_.emplace(name, std::move(library).value());
  return Status::ok();
}

std::shared_ptr<const PluginLibrary> PluginRegistry::find(std::string_view name) const {
  const auto it = plugins_.find(name);
  return it == plugins_.end() ? nullptr : it->second;
}

}  // namespace streamgate
