// The streamgate binary as users run it: command line, config errors, startup
// and shutdown, /health.
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "node_process.h"

namespace streamgate::testing {
namespace {

const std::string kSourceDir = STREAMGATE_SOURCE_DIR;
const std::string kDefaultConfig = kSourceDir + "/etc/streamgate.yaml";
const std::string kTestPlugins = STREAMGATE_TEST_PLUGIN_DIR;

std::size_t lineCount(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(NodeCliTest, HelpListsOptions) {
  const auto result = runStreamgate({"--help"});
  EXPECT_EQ(result.exitCode, 0);
  for (const char* option : {"--config", "--port", "--node-id", "--validate-config", "--help"}) {
    EXPECT_NE(result.output.find(option), std::string::npos) << option << " missing from\n" << result.output;
  }
}

TEST(NodeCliTest, UnknownOptionIsAUsageError) {
  const auto result = runStreamgate({"--colour"});
  EXPECT_EQ(result.exitCode, 64);
  EXPECT_NE(result.errors.find("colour"), std::string::npos) << result.errors;
}

TEST(NodeCliTest, ValidatesTheShippedConfig) {
  const auto result =
      runStreamgate({"--validate-config", "--config", kDefaultConfig, "--node-id", "cli-check"});
  EXPECT_EQ(result.exitCode, 0) << result.errors;
  EXPECT_NE(result.output.find(kDefaultConfig + ": ok"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("node.id        cli-check"), std::string::npos) << result.output;
  for (const char* capability : {"session_store", "message_bus", "lock_provider", "stream_store"}) {
    EXPECT_NE(result.output.find(std::string(capability) + std::string(15 - std::strlen(capability), ' ') +
                                 "memory"),
              std::string::npos)
        << capability << " in\n"
        << result.output;
  }
}

// The cluster configs take their secret and servers from the environment;
// validating connects nowhere, so no server is needed.
TEST(NodeCliTest, ValidatesTheShippedClusterConfigs) {
  ::setenv("JWT_SECRET", "a-test-secret-of-at-least-32-bytes!!", 1);
  const std::map<std::string, std::vector<std::string>> plugins = {
      {"redis.yaml", {"redis", "redis", "redis", "redis"}},
      {"kafka.yaml", {"redis", "kafka", "redis", "kafka"}},
  };
  for (const auto& [file, chosen] : plugins) {
    const std::string config = kSourceDir + "/etc/" + file;
    const auto result = runStreamgate({"--validate-config", "--config", config});
    EXPECT_EQ(result.exitCode, 0) << result.errors;
    std::size_t i = 0;
    for (const char* capability : {"session_store", "message_bus", "lock_provider", "stream_store"}) {
      EXPECT_NE(result.output.find(std::string(capability) + std::string(15 - std::strlen(capability), ' ') +
                                   chosen[i++] + " "),
                std::string::npos)
          << file << ": " << capability << " in\n"
          << result.output;
    }
  }
  ::unsetenv("JWT_SECRET");
  const auto unset = runStreamgate({"--validate-config", "--config", kSourceDir + "/etc/redis.yaml"});
  EXPECT_EQ(unset.exitCode, 78);
  EXPECT_NE(unset.errors.find("auth.jwt.hs256_secret: is empty"), std::string::npos) << unset.errors;
}

TEST(NodeCliTest, UnknownKeyFailsWithOneLineNamingFileAndKey) {
  const auto config =
      writeTempFile("unknown-key.yaml", "auth: {mode: none}\nserver:\n  listen: 127.0.0.1:0\n  listn: 1\n");
  const auto result = runStreamgate({"--validate-config", "--config", config.string()});
  EXPECT_NE(result.exitCode, 0);
  EXPECT_EQ(result.errors, "streamgate: " + config.string() + ": server.listn: unknown key\n");
}

TEST(NodeCliTest, MissingConfigFileIsNamed) {
  const auto result = runStreamgate({"--validate-config", "--config", "/nonexistent/sg.yaml"});
  EXPECT_NE(result.exitCode, 0);
  EXPECT_EQ(result.errors,
            "streamgate: /nonexistent/sg.yaml: cannot open config file: No such file or directory\n");
}

TEST(NodeCliTest, MissingPluginFileFailsWithOneLineNamingIt) {
  const auto config =
      writeTempFile("missing-plugin.yaml", "auth: {mode: none}\nbackends:\n  stream_store: nosuch\n");
  const auto result = runStreamgate({"--validate-config", "--config", config.string()});
  EXPECT_NE(result.exitCode, 0);
  EXPECT_EQ(lineCount(result.errors), 1u) << result.errors;
  EXPECT_NE(result.errors.find(config.string() + ": plugin 'nosuch': plugin "), std::string::npos)
      << result.errors;
  EXPECT_NE(result.errors.find("/libstreamgate_nosuch.so: no such file"), std::string::npos) << result.errors;
}

TEST(NodeCliTest, PluginLackingTheCapabilityFailsWithOneLine) {
  const auto config =
      writeTempFile("lacking.yaml", "auth: {mode: none}\nplugins:\n  load: [" + kTestPlugins +
                                        "/libstreamgate_failing.so]\nbackends:\n  session_store: failing\n");
  const auto result = runStreamgate({"--validate-config", "--config", config.string()});
  EXPECT_NE(result.exitCode, 0);
  EXPECT_EQ(result.errors, "streamgate: " + config.string() +
                               ": backends.session_store: plugin 'failing' does not provide session_store "
                               "(plugins that do: memory, redis)\n");
}

// Kafka is a log, not a lock service or a registry: choosing it for either
// is a config error that says where to look instead, before anything connects.
TEST(NodeCliTest, KafkaChosenForLocksOrSessionsSaysWhichPluginsCan) {
  for (const std::string capability : {"lock_provider", "session_store"}) {
    const auto config = writeTempFile("kafka-" + capability + ".yaml",
                                      "auth: {mode: none}\nbackends:\n  " + capability + ": kafka\n");
    const auto result = runStreamgate({"--validate-config", "--config", config.string()});
    EXPECT_EQ(result.exitCode, 78);
    EXPECT_EQ(result.errors, "streamgate: " + config.string() + ": backends." + capability +
                                 ": plugin 'kafka' does not provide " + capability +
                                 " (plugins that do: memory, redis)\n");
  }
}

TEST(NodeCliTest, ServesHealthAndStopsCleanlyOnSigterm) {
  const auto port = freePort();
  NodeProcess node(kDefaultConfig, port, {"--node-id", "health-node"});
  ASSERT_TRUE(node.waitHealthy()) << node.log();
  const auto health = httpGet(port, "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok","nodeId":"health-node"})");
  EXPECT_EQ(httpGet(port, "/nope").status, 404);
  EXPECT_EQ(node.stop(SIGTERM), 0) << node.log();
}

TEST(NodeCliTest, PortInUseFailsWithoutHanging) {
  Poco::Net::ServerSocket taken(Poco::Net::SocketAddress("127.0.0.1", 0));
  const auto config = writeTempFile("port-taken.yaml", "auth: {mode: none}\nserver:\n  listen: 127.0.0.1:" +
                                                           std::to_string(taken.address().port()) + "\n");
  const auto result = runStreamgate({"--config", config.string()});
  EXPECT_NE(result.exitCode, 0);
  EXPECT_NE(result.errors.find("cannot listen on 127.0.0.1:" + std::to_string(taken.address().port())),
            std::string::npos)
      << result.errors;
}

}  // namespace
}  // namespace streamgate::testing
