// One backend under test, as the contract suites see it.
//
// The suites are written once against the SDK interfaces; each plugin adds a
// `<plugin>_env.cpp` that implements BackendEnv and registers it with
// STREAMGATE_REGISTER_BACKEND_ENV. A suite is instantiated only for the
// environments whose capabilities include its own, so a plugin without a
// capability simply has no tests for it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "streamgate/clock.h"
#include "streamgate/plugin.h"

namespace streamgate::contract {

class BackendEnv {
 public:
  virtual ~BackendEnv() = default;

  // The plugin's config name; the library is <plugin dir>/libstreamgate_<name>.so.
  virtual std::string pluginName() const = 0;

  // The plugin's config section: whatever the plugin needs to run here (a
  // server address, say) plus `extraKeys`, YAML mapping lines such as
  // "stream_ttl: 2s\ncompleted_ttl: 1s" (may be empty).
  virtual std::string sectionYaml(std::string_view extraKeys) const = 0;

  // The clock handed to the plugin, and how the tests move it. A backend that
  // keeps time itself (a server's TTLs) uses the steady clock and sleeps.
  virtual std::shared_ptr<const Clock> clock() const = 0;
  virtual void advance(std::chrono::milliseconds duration) = 0;

  // Backend::storePublishesEvents() of an instance serving every capability
  // the plugin provides.
  virtual bool storePublishesEvents() const { return false; }

  // Non-empty when the backend cannot run on this machine (a missing server):
  // its tests are then skipped with this reason instead of failing.
  virtual std::string skipReason() const { return {}; }
};

using BackendEnvFactory = std::function<std::unique_ptr<BackendEnv>()>;

// Registers an environment under its plugin name with the capabilities the
// plugin provides (checked against the descriptor by a test). Returns true so
// it can initialise a namespace-scope constant; a duplicate name aborts.
bool registerBackendEnv(const std::string& name, std::uint32_t capabilities, BackendEnvFactory factory);

// Registered names providing `capability`, sorted; safe to call from
// INSTANTIATE_TEST_SUITE_P (it runs after static initialisation).
std::vector<std::string> backendEnvNames(Capability capability);
std::vector<std::string> allBackendEnvNames();

std::uint32_t backendEnvCapabilities(const std::string& name);
std::unique_ptr<BackendEnv> makeBackendEnv(const std::string& name);

}  // namespace streamgate::contract

// Use at namespace scope in the env's .cpp, after the class.
#define STREAMGATE_REGISTER_BACKEND_ENV(EnvClass, name, capabilities)                             \
  [[maybe_unused]] const bool kRegistered##EnvClass = ::streamgate::contract::registerBackendEnv( \
      name, capabilities,                                                                         \
      [] { return std::unique_ptr<::streamgate::contract::BackendEnv>(std::make_unique<EnvClass>()); });
