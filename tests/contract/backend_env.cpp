#include "backend_env.h"

#include <cstdio>
#include <cstdlib>
#include <map>

namespace streamgate::contract {
namespace {

struct Registration {
  std::uint32_t capabilities = 0;
  BackendEnvFactory factory;
};

// Function-local so registrations from other translation units' static
// initialisers never see it unconstructed.
std::map<std::string, Registration>& registry() {
  static std::map<std::string, Registration> environments;
  return environments;
}

}  // namespace

bool registerBackendEnv(const std::string& name, std::uint32_t capabilities, BackendEnvFactory factory) {
  if (!registry().emplace(name, Registration{capabilities, std::move(factory)}).second) {
    std::fprintf(stderr, "contract tests: backend environment '%s' registered twice\n", name.c_str());
    std::abort();
  }
  return true;
}

std::vector<std::string> backendEnvNames(Capability capability) {
  std::vector<std::string> names;
  for (const auto& [name, registration] : registry()) {
    if ((registration.capabilities & capability) != 0) names.push_back(name);
  }
  return names;
}

std::vector<std::string> allBackendEnvNames() {
  std::vector<std::string> names;
  for (const auto& entry : registry()) names.push_back(entry.first);
  return names;
}

std::uint32_t backendEnvCapabilities(const std::string& name) {
  const auto it = registry().find(name);
  return it == registry().end() ? 0 : it->second.capabilities;
}

std::unique_ptr<BackendEnv> makeBackendEnv(const std::string& name) {
  const auto it = registry().find(name);
  return it == registry().end() ? nullptr : it->second.factory();
}

}  // namespace streamgate::contract
