// One loaded plugin shared library and its checked descriptor.
#pragma once

#include <filesystem>
#include <memory>

#include "streamgate/plugin.h"

namespace boost::dll {
class shared_library;
}

namespace streamgate {

class PluginLibrary {
 public:
  // Loads the file, finds the entry alias and checks the ABI header. Every
  // refusal is one line that names the file: missing file, not a loadable
  // library, no entry symbol, ABI major or build signature mismatch, an
  // incomplete descriptor.
  static Expected<std::shared_ptr<const PluginLibrary>> open(const std::filesystem::path& path);

  const std::filesystem::path& path() const noexcept { return path_; }
  const PluginDescriptor& descriptor() const noexcept { return *descriptor_; }
  bool provides(Capability capability) const noexcept {
    return (descriptor_->capabilities & capability) != 0;
  }

  Status validate(const PluginConfig& config) const;

  // Creates an instance. The Backend and every object obtained from it
  // (capabilities, subscriptions) keep this library loaded while they live.
  Expected<std::shared_ptr<Backend>> create(const PluginContext& context, const PluginConfig& config) const;

  // Library handle for pinning; shared by everything the plugin hands out.
  const std::shared_ptr<boost::dll::shared_library>& handle() const noexcept { return library_; }

 private:
  PluginLibrary(std::filesystem::path path, std::shared_ptr<boost::dll::shared_library> library,
                const PluginDescriptor* descriptor);

  std::filesystem::path path_;
  std::shared_ptr<boost::dll::shared_library> library_;
  const PluginDescriptor* descriptor_;
};

}  // namespace streamgate
