// The streamgate binary as users run it: command line, config errors, startup
// and shutdown, /health.
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>
#include <signal.h>

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
