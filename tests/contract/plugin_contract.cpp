// What every plugin owes the host regardless of its capabilities: a
// descriptor that tells the truth, the same capability objects on every call,
// and a config section checked strictly (unknown keys refused) without side
// effects.
#include "contract_test.h"

namespace streamgate::contract {
namespace {

class PluginContract : public ContractTest {};

TEST_P(PluginContract, DescriptorMatchesTheEnvironment) {
  const PluginDescriptor& descriptor = library().descriptor();
  EXPECT_EQ(std::string(descriptor.name), env().pluginName());
  EXPECT_EQ(descriptor.capabilities, backendEnvCapabilities(GetParam()))
      << "the environment registers other capabilities than the plugin declares";
}

TEST_P(PluginContract, BackendProvidesExactlyTheDeclaredCapabilities) {
  const auto check = [&](Capability capability, auto getter) {
    const bool declared = library().provides(capability);
    const auto first = getter();
    EXPECT_EQ(first != nullptr, declared) << capabilityKey(capability);
    EXPECT_EQ(getter(), first) << capabilityKey(capability) << " differs between calls";
  };
  check(kSessionStore, [&] { return backend().sessionStore(); });
  check(kMessageBus, [&] { return backend().messageBus(); });
  check(kLockProvider, [&] { return backend().lockProvider(); });
  check(kStreamStore, [&] { return backend().streamStore(); });
}

// Seen through the host's loader, as the node sees it: the node publishes
// stored events itself only when the plugin does not.
TEST_P(PluginContract, StorePublishesEventsAsTheEnvironmentSays) {
  EXPECT_EQ(backend().storePublishesEvents(), env().storePublishesEvents());
}

TEST_P(PluginContract, ValidateAcceptsTheEnvironmentsSection) { ASSERT_OK(library().validate(config(""))); }

TEST_P(PluginContract, UnknownKeysAreRefused) {
  const Status validated = library().validate(config("no_such_key: 1"));
  EXPECT_CODE(Code::kInvalidArgument, validated);
  EXPECT_TRUE(hasMessage(validated, "plugins." + env().pluginName() + ".no_such_key"));
  EXPECT_CODE(Code::kInvalidArgument, createBackend("no_such_key: 1"));
}

TEST_P(PluginContract, MalformedSectionIsRefused) {
  EXPECT_CODE(Code::kInvalidArgument,
              library().validate(PluginConfig{"[1, 2", "plugins." + env().pluginName()}));
  EXPECT_CODE(Code::kInvalidArgument,
              library().validate(PluginConfig{"just text", "plugins." + env().pluginName()}));
}

INSTANTIATE_TEST_SUITE_P(Contract, PluginContract, ::testing::ValuesIn(allBackendEnvNames()),
                         backendParamName);

}  // namespace
}  // namespace streamgate::contract
