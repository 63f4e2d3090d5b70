#include "plugin/plugin_library.h"

#include <dlfcn.h>

#include <boost/dll/shared_library.hpp>
#include <cstring>
#include <system_error>

#include "plugin/library_pin.h"

namespace streamgate {
namespace {

Status refuse(const std::filesystem::path& path, const std::string& why) {
  return Status(Code::kInvalidArgument, "plugin " + path.string() + ": " + why);
}

}  // namespace

PluginLibrary::PluginLibrary(std::filesystem::path path, std::shared_ptr<boost::dll::shared_library> library,
                             const PluginDescriptor* descriptor)
    : path_(std::move(path)), library_(std::move(library)), descriptor_(descriptor) {}

Expected<std::shared_ptr<const PluginLibrary>> PluginLibrary::open(const std::filesystem::path& path) {
  std::error_code fsError;
  if (!std::filesystem::is_regular_file(path, fsError)) {
    return refuse(path, "no such file (check plugins.dir)");
  }

  auto library = std::make_shared<boost::dll::shared_library>();
  boost::dll::fs::error_code loadError;
  library->load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, loadError);
  if (loadError || !library->is_loaded()) {
    // dlerror() says more than the error_code (e.g. the missing dependency).
    const char* detail = dlerror();
    return refuse(path, std::string("cannot load: ") + (detail != nullptr ? detail : loadError.message()));
  }
  if (!library->has(STREAMGATE_PLUGIN_ENTRY_SYMBOL)) {
    return refuse(path, "no entry symbol '" STREAMGATE_PLUGIN_ENTRY_SYMBOL
                        "' (not a streamgate plugin, or built without STREAMGATE_PLUGIN_ENTRY)");
  }
  PluginEntry* entry = library->get_alias<PluginEntry>(STREAMGATE_PLUGIN_ENTRY_SYMBOL);
  const PluginDescriptor* descriptor = entry != nullptr ? entry() : nullptr;
  if (descriptor == nullptr) return refuse(path, "entry returned no descriptor");

  // Only the plain-data header may be read before these checks pass.
  if (descriptor->abiMajor != STREAMGATE_ABI_MAJOR) {
    return refuse(path, "ABI major version " + std::to_string(descriptor->abiMajor) + ", host needs " +
                            std::to_string(STREAMGATE_ABI_MAJOR) + " (rebuild the plugin against this SDK)");
  }
  const char* signature = descriptor->buildSignature != nullptr ? descriptor->buildSignature : "(none)";
  if (std::strcmp(signature, STREAMGATE_BUILD_SIGNATURE) != 0) {
    return refuse(path, std::string("build signature '") + signature + "' differs from the host's '" +
                            STREAMGATE_BUILD_SIGNATURE + "' (rebuild the plugin with the host's toolchain)");
  }
  if (descriptor->name == nullptr || *descriptor->name == '\0' || descriptor->version == nullptr ||
      descriptor->validate == nullptr || descriptor->create == nullptr) {
    return refuse(path, "incomplete descriptor (name, version, validate and create are required)");
  }
  return std::shared_ptr<const PluginLibrary>(new PluginLibrary(path, std::move(library), descriptor));
}

Status PluginLibrary::validate(const PluginConfig& config) const { return descriptor_->validate(config); }

Expected<std::shared_ptr<Backend>> PluginLibrary::create(const PluginContext& context,
                                                         const PluginConfig& config) const {
  auto backend = descriptor_->create(context, config);
  if (!backend) return backend.error().withContext("plugin " + path_.string());
  if (!*backend) return refuse(path_, "create returned no backend");
  return pinBackend(std::move(backend).value(), library_);
}

}  // namespace streamgate
