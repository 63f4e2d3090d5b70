// Base fixture of every contract suite: one registered backend environment
// per test parameter; the plugin loaded through the host's loader
// (PluginLibrary::open + create) exactly as the gateway loads it.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "await.h"
#include "backend_env.h"
#include "plugin/plugin_library.h"
#include "streamgate/plugin.h"

namespace streamgate {

// Readable values in gtest failure messages (found by argument-dependent lookup).
inline void PrintTo(Code code, std::ostream* out) { *out << codeName(code); }
inline void PrintTo(TerminalKind kind, std::ostream* out) { *out << terminalKindName(kind); }

}  // namespace streamgate

namespace streamgate::contract {

class ContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  static constexpr const char* kNodeId = "contract-node";

  void SetUp() override;
  void TearDown() override;

  // Extra keys of the plugin section for the backend SetUp creates.
  virtual std::string extraYaml() const { return {}; }

  BackendEnv& env() { return *env_; }
  Backend& backend() { return *backend_; }
  const PluginLibrary& library() { return *library_; }
  void advance(std::chrono::milliseconds duration) { env_->advance(duration); }

  PluginConfig config(std::string_view extraKeys) const;
  // Another instance of the plugin with its own section.
  Expected<std::shared_ptr<Backend>> createBackend(std::string_view extraKeys);

  // base + a suffix unique to this test, so a backend whose data outlives a
  // test (a shared server) never mixes two tests' records.
  std::string uniqueId(std::string_view base) const;

 private:
  std::unique_ptr<BackendEnv> env_;
  std::shared_ptr<const PluginLibrary> library_;
  std::shared_ptr<Backend> backend_;
  std::string suffix_;
};

// "memory" -> test name suffix.
std::string backendParamName(const ::testing::TestParamInfo<std::string>& info);

inline Status statusOf(const Status& status) { return status; }
template <class T>
Status statusOf(const Expected<T>& result) {
  return result.status();
}

// For EXPECT_TRUE(hasMessage(status, "expected index 3")).
::testing::AssertionResult hasMessage(const Status& status, std::string_view text);
template <class T>
::testing::AssertionResult hasMessage(const Expected<T>& result, std::string_view text) {
  return hasMessage(result.status(), text);
}

}  // namespace streamgate::contract

// For a Status or an Expected<T>: the code, with the whole status on failure.
#define EXPECT_CODE(expected, result)                                              \
  do {                                                                             \
    const ::streamgate::Status status_ = ::streamgate::contract::statusOf(result); \
    EXPECT_EQ(status_.code(), (expected)) << status_.toString();                   \
  } while (false)
#define ASSERT_OK(result)                                                          \
  do {                                                                             \
    const ::streamgate::Status status_ = ::streamgate::contract::statusOf(result); \
    ASSERT_TRUE(status_.isOk()) << status_.toString();                             \
  } while (false)

// Runs Suite for every registered environment that provides capability.
#define STREAMGATE_INSTANTIATE_CONTRACT(Suite, capability)                                           \
  INSTANTIATE_TEST_SUITE_P(Contract, Suite,                                                          \
                           ::testing::ValuesIn(::streamgate::contract::backendEnvNames(capability)), \
                           ::streamgate::contract::backendParamName);                                \
  GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Suite)
