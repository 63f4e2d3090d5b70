#include "plugin/backend_set.h"

#include <gtest/gtest.h>

#include "config/settings_loader.h"
#include "test_logger.h"

namespace streamgate {
namespace {

const std::string kTestPlugins = STREAMGATE_TEST_PLUGIN_DIR;
const std::string kPlugins = STREAMGATE_PLUGIN_DIR;

Settings settingsFor(const std::string& body) {
  auto settings =
      parseSettings("auth:\n  mode: none\nplugins:\n  dir: " + kPlugins + "\n" + body, "test.yaml");
  EXPECT_TRUE(settings.hasValue()) << settings.status().toString();
  return settings.hasValue() ? std::move(settings).value() : Settings{};
}

PluginContext testContext() {
  return PluginContext{"test-node", steadyClock(), std::make_shared<testing::TestLogger>()};
}

TEST(BackendSetTest, MemoryServesAllFourFromOneInstance) {
  const auto settings = settingsFor("");
  PluginRegistry registry;
  ASSERT_TRUE(loadPlugins(settings, registry).isOk());
  ASSERT_TRUE(validatePlugins(settings, registry).isOk());
  auto set = createBackends(settings, registry, testContext());
  ASSERT_TRUE(set.hasValue()) << set.status().toString();
  EXPECT_EQ(set->instances.size(), 1u);
  EXPECT_NE(set->sessionStore, nullptr);
  EXPECT_NE(set->messageBus, nullptr);
  EXPECT_NE(set->lockProvider, nullptr);
  EXPECT_NE(set->streamStore, nullptr);
  EXPECT_EQ(set->streamStore, set->instances.at("memory")->streamStore());
}

TEST(BackendSetTest, MissingPluginFileIsNamed) {
  const auto settings = settingsFor("backends:\n  lock_provider: nope\n");
  PluginRegistry registry;
  EXPECT_EQ(loadPlugins(settings, registry).message(),
            "test.yaml: plugin 'nope': plugin " + kPlugins +
                "/libstreamgate_nope.so: no such file (check plugins.dir)");
}

TEST(BackendSetTest, CapabilityNotProvidedSaysWhichPluginsDo) {
  const auto settings = settingsFor("  load: [" + kTestPlugins + "/libstreamgate_failing.so]\n" +
                                    "backends:\n  session_store: failing\n");
  PluginRegistry registry;
  EXPECT_EQ(loadPlugins(settings, registry).message(),
            "test.yaml: backends.session_store: plugin 'failing' does not provide session_store "
            "(plugins that do: memory, redis)");
}

TEST(BackendSetTest, DuplicatePluginNameInLoadList) {
  const auto settings = settingsFor("  load: [" + kTestPlugins + "/libstreamgate_twin_a.so, " + kTestPlugins +
                                    "/libstreamgate_twin_b.so]\n");
  PluginRegistry registry;
  const auto status = loadPlugins(settings, registry);
  EXPECT_EQ(status.code(), Code::kConflict);
  EXPECT_EQ(status.message().rfind("test.yaml: plugins.load: plugin " + kTestPlugins +
                                       "/libstreamgate_twin_b.so: "
                                       "name 'twin' is already taken",
                                   0),
            0u)
      << status.message();
}

TEST(BackendSetTest, PluginSectionIsValidatedByThePlugin) {
  const auto settings = settingsFor("  memory:\n    stream_ttl: 10s\n    bogus: 1\n");
  PluginRegistry registry;
  ASSERT_TRUE(loadPlugins(settings, registry).isOk());
  EXPECT_EQ(validatePlugins(settings, registry).message(), "test.yaml: plugins.memory.bogus: unknown key");
}

TEST(BackendSetTest, FailingFactoryStopsStartup) {
  const auto settings = settingsFor("  load: [" + kTestPlugins + "/libstreamgate_failing.so]\n" +
                                    "backends:\n  lock_provider: failing\n");
  PluginRegistry registry;
  ASSERT_TRUE(loadPlugins(settings, registry).isOk());
  auto set = createBackends(settings, registry, testContext());
  ASSERT_FALSE(set.hasValue());
  EXPECT_EQ(set.error().message(), "test.yaml: plugin " + kTestPlugins +
                                       "/libstreamgate_failing.so: cannot reach 127.0.0.1:1 (test factory)");
}

}  // namespace
}  // namespace streamgate
