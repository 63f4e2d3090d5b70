#include <dlfcn.h>
#include <gtest/gtest.h>

#include <fstream>

#include "plugin/plugin_library.h"
#include "plugin/plugin_registry.h"
#include "test_logger.h"

namespace streamgate {
namespace {

const std::filesystem::path kTestPlugins = STREAMGATE_TEST_PLUGIN_DIR;
const std::filesystem::path kPlugins = STREAMGATE_PLUGIN_DIR;

std::filesystem::path testPlugin(const std::string& name) {
  return kTestPlugins / ("libstreamgate_" + name + ".so");
}

std::string openError(const std::filesystem::path& path) {
  auto library = PluginLibrary::open(path);
  EXPECT_FALSE(library.hasValue()) << path;
  return library.hasValue() ? "" : library.error().message();
}

bool isLoaded(const std::filesystem::path& path) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  dlclose(handle);
  return true;
}

PluginContext testContext() {
  return PluginContext{"test-node", steadyClock(), std::make_shared<testing::TestLogger>()};
}

TEST(PluginLoaderTest, MissingFileIsNamed) {
  EXPECT_EQ(openError("/nonexistent/libstreamgate_x.so"),
            "plugin /nonexistent/libstreamgate_x.so: no such file (check plugins.dir)");
}

TEST(PluginLoaderTest, FileThatIsNotALibraryIsNamed) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "libstreamgate_junk.so";
  std::ofstream(path) << "not an ELF file\n";
  const auto message = openError(path);
  EXPECT_EQ(message.rfind("plugin " + path.string() + ": cannot load: ", 0), 0u) << message;
}

TEST(PluginLoaderTest, LibraryWithoutEntrySymbolIsRefused) {
  const auto path = testPlugin("no_entry");
  EXPECT_EQ(openError(path), "plugin " + path.string() +
                                 ": no entry symbol 'streamgate_plugin' (not a streamgate plugin, or built "
                                 "without STREAMGATE_PLUGIN_ENTRY)");
}

TEST(PluginLoaderTest, AbiMajorMismatchIsRefused) {
  const auto path = testPlugin("wrong_abi");
  EXPECT_EQ(openError(path),
            "plugin " + path.string() +
                ": ABI major version 999, host needs 1 (rebuild the plugin against this SDK)");
}

TEST(PluginLoaderTest, BuildSignatureMismatchIsRefused) {
  const auto path = testPlugin("wrong_signature");
  EXPECT_EQ(openError(path),
            "plugin " + path.string() + ": build signature 'gcc-4,cxx11abi=0' differs from the host's '" +
                STREAMGATE_BUILD_SIGNATURE + "' (rebuild the plugin with the host's toolchain)");
}

TEST(PluginLoaderTest, FailingFactoryIsAnErrorNamingTheFile) {
  auto library = PluginLibrary::open(testPlugin("failing"));
  ASSERT_TRUE(library.hasValue()) << library.status().toString();
  auto backend = (*library)->create(testContext(), PluginConfig{"{}", "plugins.failing"});
  ASSERT_FALSE(backend.hasValue());
  EXPECT_EQ(backend.error().code(), Code::kUnavailable);
  EXPECT_EQ(backend.error().message(),
            "plugin " + testPlugin("failing").string() + ": cannot reach 127.0.0.1:1 (test factory)");
}

TEST(PluginLoaderTest, ExceptionInFactoryBecomesAnError) {
  auto library = PluginLibrary::open(testPlugin("throwing"));
  ASSERT_TRUE(library.hasValue()) << library.status().toString();
  auto backend = (*library)->create(testContext(), PluginConfig{"{}", "plugins.throwing"});
  ASSERT_FALSE(backend.hasValue());
  EXPECT_EQ(backend.error().code(), Code::kInternal);
  EXPECT_NE(backend.error().message().find("unexpected exception: connection refused by test"),
            std::string::npos);
}

TEST(PluginLoaderTest, PluginValidatesItsOwnSection) {
  auto library = PluginLibrary::open(testPlugin("failing"));
  ASSERT_TRUE(library.hasValue());
  const auto status = (*library)->validate(PluginConfig{"bogus: 1\n", "plugins.failing"});
  EXPECT_EQ(status.message(), "plugins.failing.bogus: unknown key");
}

TEST(PluginRegistryTest, DuplicateNameIsRefusedNamingBothFiles) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.load(testPlugin("twin_a")).isOk());
  const auto status = registry.load(testPlugin("twin_b"));
  EXPECT_EQ(status.code(), Code::kConflict);
  EXPECT_EQ(status.message(), "plugin " + testPlugin("twin_b").string() +
                                  ": name 'twin' is already taken by " + testPlugin("twin_a").string());
  EXPECT_EQ(registry.find("twin")->path(), testPlugin("twin_a"));
}

TEST(PluginRegistryTest, LoadByNameChecksTheName) {
  PluginRegistry registry;
  const auto status = registry.loadByName(kTestPlugins, "misnamed");
  EXPECT_EQ(status.message(), "plugin " + testPlugin("misnamed").string() +
                                  ": calls itself 'somebody_else', expected 'misnamed'");
  EXPECT_EQ(registry.find("misnamed"), nullptr);
  EXPECT_EQ(registry.find("somebody_else"), nullptr);
}

TEST(PluginRegistryTest, LoadByNameFindsTheFileOnce) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.loadByName(kPlugins, "memory").isOk());
  ASSERT_TRUE(registry.loadByName(kPlugins, "memory").isOk());
  EXPECT_EQ(registry.plugins().size(), 1u);
  const auto memory = registry.find("memory");
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(memory->path(), kPlugins / "libstreamgate_memory.so");
  for (Capability capability : {kSessionStore, kMessageBus, kLockProvider, kStreamStore}) {
    EXPECT_TRUE(memory->provides(capability)) << capabilityKey(capability);
  }
}

// The library must stay mapped while anything it made is alive, and go when
// the last such object does.
TEST(PluginLifetimeTest, ObjectsKeepTheirLibraryLoaded) {
  const auto path = kPlugins / "libstreamgate_memory.so";
  ASSERT_FALSE(isLoaded(path));
  std::shared_ptr<StreamStore> store;
  std::shared_ptr<Subscription> subscription;
  {
    auto library = PluginLibrary::open(path);
    ASSERT_TRUE(library.hasValue()) << library.status().toString();
    auto backend = (*library)->create(testContext(), PluginConfig{"{}", "plugins.memory"});
    ASSERT_TRUE(backend.hasValue()) << backend.status().toString();
    store = (*backend)->streamStore();
    subscription = (*backend)->messageBus()->subscribe(
        "channel", [](std::string_view, std::string_view) {}, [](Status) {});
  }
  EXPECT_TRUE(isLoaded(path));

  // Still callable: its code is mapped.
  Expected<std::int64_t> appended = Status(Code::kInternal, "not called");
  store->append(AppendRequest{{"s", "m"}, 0, {"hello"}, 1},
                [&](Expected<std::int64_t> result) { appended = result; });
  ASSERT_TRUE(appended.hasValue()) << appended.status().toString();
  EXPECT_EQ(*appended, 1);

  store.reset();
  EXPECT_TRUE(isLoaded(path)) << "the subscription still needs the library";
  subscription.reset();
  EXPECT_FALSE(isLoaded(path));
}

}  // namespace
}  // namespace streamgate
