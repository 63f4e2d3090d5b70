// The plugin ABI: what a backend shared library exports and what the host
// checks before it trusts it.
//
// A plugin is a shared library that exports one Boost.DLL alias,
// `streamgate_plugin`, naming a function that returns a static
// PluginDescriptor. The host reads the descriptor's plain-data header first and
// refuses the library, naming the file, unless the ABI major version and the
// build signature equal its own; only then does it touch the C++ parts.
//
// Rules for plugin authors (see README "Writing a plugin"):
//   - include only <streamgate/...> headers and link streamgate::sdk;
//   - never let an exception escape a descriptor function or an interface
//     method: report errors as Status/Expected (wrap bodies in noThrow());
//   - config arrives as YAML text of the plugin's own section; parse it with
//     ConfigSection and reject unknown keys;
//   - join your own threads in your destructors: the host keeps the library
//     loaded until the last object you handed out is gone.
#pragma once

#include <boost/dll/alias.hpp>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "streamgate/clock.h"
#include "streamgate/config_section.h"
#include "streamgate/lock_provider.h"
#include "streamgate/logger.h"
#include "streamgate/message_bus.h"
#include "streamgate/session_store.h"
#include "streamgate/status.h"
#include "streamgate/stream_store.h"

#define STREAMGATE_ABI_MAJOR 1
#define STREAMGATE_ABI_MINOR 1
#define STREAMGATE_SDK_VERSION "1.1"

#define STREAMGATE_STRINGIFY_(x) #x
#define STREAMGATE_STRINGIFY(x) STREAMGATE_STRINGIFY_(x)

#if defined(__clang__)
#define STREAMGATE_COMPILER_ID "clang-" STREAMGATE_STRINGIFY(__clang_major__)
#elif defined(__GNUC__)
#define STREAMGATE_COMPILER_ID "gcc-" STREAMGATE_STRINGIFY(__GNUC__)
#else
#define STREAMGATE_COMPILER_ID "unknown"
#endif

// Everything that must agree for C++ types (std::string, std::function,
// std::shared_ptr) to cross the boundary safely.
#define STREAMGATE_BUILD_SIGNATURE \
  STREAMGATE_COMPILER_ID ";c++" STREAMGATE_STRINGIFY(__cplusplus) ";cxx11abi=" STREAMGATE_STRINGIFY( \
      _GLIBCXX_USE_CXX11_ABI) ";ptr=" STREAMGATE_STRINGIFY(__SIZEOF_POINTER__) ";sdk"                \
                                                                               "=" STREAMGATE_SDK_VERSION

// The exported alias every plugin defines with STREAMGATE_PLUGIN_ENTRY.
#define STREAMGATE_PLUGIN_ENTRY_SYMBOL "streamgate_plugin"
#define STREAMGATE_PLUGIN_ENTRY(function) BOOST_DLL_ALIAS(function, streamgate_plugin)

namespace streamgate {

enum Capability : std::uint32_t {
  kSessionStore = 1u << 0,
  kMessageBus = 1u << 1,
  kLockProvider = 1u << 2,
  kStreamStore = 1u << 3,
};

// Config key name of a capability under `backends:`, e.g. "session_store".
std::string_view capabilityKey(Capability capability) noexcept;

// What the host hands every plugin instance.
struct PluginContext {
  std::string nodeId;
  std::shared_ptr<const Clock> clock;  // never null
  std::shared_ptr<Logger> logger;      // never null
  std::uint32_t capabilities = 0;      // Capability bits this instance was chosen for
};

// The plugin's config section.
struct PluginConfig {
  std::string yaml;  // the section as YAML text ("{}" when absent)
  std::string path;  // its key path in the host config, e.g. "plugins.redis"
};

// One configured instance of a plugin. The host creates at most one per plugin
// name and asks it for each capability chosen for that plugin, so the
// capabilities share connections and threads. Each getter returns the same
// object on every call, or null for a capability the plugin does not provide.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::shared_ptr<SessionStore> sessionStore() { return nullptr; }
  virtual std::shared_ptr<MessageBus> messageBus() { return nullptr; }
  virtual std::shared_ptr<LockProvider> lockProvider() { return nullptr; }
  virtual std::shared_ptr<StreamStore> streamStore() { return nullptr; }

  // True when this instance serves both stream_store and message_bus and its
  // StreamStore publishes every event it stores (each appended chunk, the
  // recorded terminal) on its MessageBus, on sessionChannel(sessionId), in the
  // same write as the store (DESIGN.md section 5). The host then does not
  // publish those events itself, so stored and published cannot disagree.
  virtual bool storePublishesEvents() const { return false; }
};

struct PluginDescriptor {
  // ABI header: plain data, read before anything else. Never reorder.
  std::uint32_t abiMajor;
  std::uint32_t abiMinor;
  const char* buildSignature;

  // Valid only when the header matches the host's.
  const char* name;  // config name, e.g. "redis"; the file is libstreamgate_<name>.so
  const char* version;
  std::uint32_t capabilities;  // Capability bits
  // Checks the section without side effects (no connections).
  Status (*validate)(const PluginConfig& config) noexcept;
  // Builds an instance; may connect. Must validate the config as validate() does.
  Expected<std::shared_ptr<Backend>> (*create)(const PluginContext& context,
                                               const PluginConfig& config) noexcept;
};

// The function STREAMGATE_PLUGIN_ENTRY exports: returns a descriptor with
// static storage duration.
using PluginEntry = const PluginDescriptor*();

// Runs body, turning any escaping exception into kInternal: the usual wrapper
// for descriptor functions and interface methods.
template <class Body>
auto noThrow(Body&& body) noexcept -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& error) {
    return Status(Code::kInternal, std::string("unexpected exception: ") + error.what());
  } catch (...) {
    return Status(Code::kInternal, "unexpected non-standard exception");
  }
}

}  // namespace streamgate
