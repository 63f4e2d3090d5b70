#include "contract_test.h"

#include <filesystem>
#include <random>

#include "plugin/plugin_registry.h"
#include "test_logger.h"

#ifndef STREAMGATE_PLUGIN_DIR
#error "STREAMGATE_PLUGIN_DIR must name the directory the plugins are built into"
#endif

namespace streamgate::contract {

void ContractTest::SetUp() {
  env_ = makeBackendEnv(GetParam());
  ASSERT_NE(env_, nullptr) << "no backend environment named " << GetParam();
  if (const std::string reason = env_->skipReason(); !reason.empty()) GTEST_SKIP() << reason;

  std::random_device random;
  suffix_ = std::to_string(random()) + std::to_string(random());

  const auto path =
      std::filesystem::path(STREAMGATE_PLUGIN_DIR) / PluginRegistry::fileName(env_->pluginName());
  auto library = PluginLibrary::open(path);
  ASSERT_TRUE(library.hasValue()) << library.status().toString();
  library_ = *library;

  auto backend = createBackend(extraYaml());
  ASSERT_TRUE(backend.hasValue()) << backend.status().toString();
  backend_ = *backend;
}

void ContractTest::TearDown() {
  // The plugin's objects go first; they keep the library loaded themselves.
  backend_.reset();
  library_.reset();
  env_.reset();
}

PluginConfig ContractTest::config(std::string_view extraKeys) const {
  return PluginConfig{env_->sectionYaml(extraKeys), "plugins." + env_->pluginName()};
}

Expected<std::shared_ptr<Backend>> ContractTest::createBackend(std::string_view extraKeys) {
  const PluginContext context{kNodeId, env_->clock(), std::make_shared<testing::TestLogger>()};
  return library_->create(context, config(extraKeys));
}

std::string ContractTest::uniqueId(std::string_view base) const { return std::string(base) + "-" + suffix_; }

std::string backendParamName(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

::testing::AssertionResult hasMessage(const Status& status, std::string_view text) {
  if (status.message().find(text) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "message of \"" << status.toString() << "\" lacks \"" << text << "\"";
}

}  // namespace streamgate::contract
