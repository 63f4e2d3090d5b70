#include "config/settings_loader.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

namespace streamgate {
namespace {

Settings parseOk(std::string_view text, const SettingsOverrides& overrides = {}) {
  auto settings = parseSettings(text, "test.yaml", overrides);
  EXPECT_TRUE(settings.hasValue()) << settings.status().toString();
  return settings.hasValue() ? std::move(settings).value() : Settings{};
}

std::string parseError(std::string_view text) {
  auto settings = parseSettings(text, "test.yaml");
  EXPECT_FALSE(settings.hasValue());
  return settings.hasValue() ? "" : settings.error().message();
}

TEST(SettingsLoaderTest, DefaultsAreMemoryEverywhere) {
  ::unsetenv("NODE_ID");
  const auto settings = parseOk("");
  EXPECT_EQ(settings.backends.sessionStore, "memory");
  EXPECT_EQ(settings.backends.messageBus, "memory");
  EXPECT_EQ(settings.backends.lockProvider, "memory");
  EXPECT_EQ(settings.backends.streamStore, "memory");
  EXPECT_EQ(settings.server.host, "0.0.0.0");
  EXPECT_EQ(settings.server.port, 8080);
  EXPECT_GE(settings.server.ioThreads, 1);
  EXPECT_EQ(settings.plugins.dir.filename(), "plugins");
  EXPECT_EQ(settings.node.id, [] {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return std::string(host) + "-" + std::to_string(getpid());
  }());
}

TEST(SettingsLoaderTest, ReadsEveryKey) {
  const auto settings = parseOk(R"(
node:
  id: node-7
server:
  listen: 127.0.0.1:9001
  io_threads: 3
plugins:
  dir: /opt/sg/plugins
  load: [/opt/extra/libstreamgate_custom.so]
  redis:
    url: redis://127.0.0.1:6379
backends:
  session_store: redis
  message_bus: kafka
  lock_provider: redis
  stream_store: kafka
log:
  level: debug
)");
  EXPECT_EQ(settings.node.id, "node-7");
  EXPECT_EQ(settings.server.host, "127.0.0.1");
  EXPECT_EQ(settings.server.port, 9001);
  EXPECT_EQ(settings.server.ioThreads, 3);
  EXPECT_EQ(settings.plugins.dir, "/opt/sg/plugins");
  ASSERT_EQ(settings.plugins.load.size(), 1u);
  EXPECT_EQ(settings.plugins.load[0], "/opt/extra/libstreamgate_custom.so");
  EXPECT_EQ(settings.backends.sessionStore, "redis");
  EXPECT_EQ(settings.backends.messageBus, "kafka");
  EXPECT_EQ(settings.log.level, "debug");
  const auto redis = settings.pluginConfig("redis");
  EXPECT_EQ(redis.path, "plugins.redis");
  EXPECT_NE(redis.yaml.find("redis://127.0.0.1:6379"), std::string::npos);
  EXPECT_EQ(settings.pluginConfig("memory").yaml, "{}");
}

TEST(SettingsLoaderTest, ListenForms) {
  EXPECT_EQ(parseOk("server: {listen: ':7000'}").server.host, "0.0.0.0");
  EXPECT_EQ(parseOk("server: {listen: ':7000'}").server.port, 7000);
  EXPECT_EQ(parseOk("server: {listen: '[::1]:7001'}").server.host, "::1");
  EXPECT_EQ(parseOk("server: {listen: '127.0.0.1:0'}").server.port, 0);
  EXPECT_EQ(parseError("server: {listen: localhost}"),
            "test.yaml: server.listen: expected host:port, got \"localhost\"");
  EXPECT_EQ(parseError("server: {listen: 'h:70000'}"), "test.yaml: server.listen: bad port in \"h:70000\"");
  EXPECT_EQ(parseError("server: {listen: 'h:'}"), "test.yaml: server.listen: bad port in \"h:\"");
}

TEST(SettingsLoaderTest, EnvironmentSubstitution) {
  ::setenv("SG_TEST_PORT", "8123", 1);
  ::unsetenv("SG_TEST_MISSING");
  const auto settings =
      parseOk("node: {id: '${SG_TEST_MISSING:-fallback-id}'}\nserver: {listen: ':${SG_TEST_PORT}'}");
  EXPECT_EQ(settings.node.id, "fallback-id");
  EXPECT_EQ(settings.server.port, 8123);
}

TEST(SettingsLoaderTest, NodeIdFallsBackToEnvironment) {
  ::setenv("NODE_ID", "from-env", 1);
  EXPECT_EQ(parseOk("node: {id: '${NODE_ID}'}").node.id, "from-env");
  ::unsetenv("NODE_ID");
  // ${NODE_ID} unset resolves empty, which falls back to <hostname>-<pid>.
  EXPECT_NE(parseOk("node: {id: '${NODE_ID}'}").node.id.find(std::to_string(getpid())), std::string::npos);
  EXPECT_EQ(parseOk("node: {id: configured}").node.id, "configured");
}

TEST(SettingsLoaderTest, OverridesWin) {
  SettingsOverrides overrides;
  overrides.port = 9999;
  overrides.nodeId = "cli-node";
  const auto settings = parseOk("node: {id: file-node}\nserver: {listen: ':1234'}", overrides);
  EXPECT_EQ(settings.server.port, 9999);
  EXPECT_EQ(settings.node.id, "cli-node");
}

TEST(SettingsLoaderTest, ErrorsNameFileAndKey) {
  EXPECT_EQ(parseError("sever: {}"), "test.yaml: sever: unknown key");
  EXPECT_EQ(parseError("server: {listen: ':1', threads: 2}"), "test.yaml: server.threads: unknown key");
  EXPECT_EQ(parseError("server: {io_threads: lots}"),
            "test.yaml: server.io_threads: expected an integer, got \"lots\"");
  EXPECT_EQ(parseError("backends: {session_store: ''}"),
            "test.yaml: backends.session_store: must name a plugin");
  EXPECT_EQ(parseError("backends: {queue: redis}"), "test.yaml: backends.queue: unknown key");
  EXPECT_EQ(parseError("log: {level: loud}"),
            "test.yaml: log.level: unknown level \"loud\" (none, fatal, critical, error, warning, notice, "
            "information, debug, trace)");
  EXPECT_EQ(parseError("plugins: [a]"), "test.yaml: plugins: expected a mapping, got a list");
}

TEST(SettingsLoaderTest, MissingFileIsNamed) {
  auto settings = loadSettings("/nonexistent/streamgate.yaml");
  ASSERT_FALSE(settings.hasValue());
  EXPECT_EQ(settings.error().message(),
            "/nonexistent/streamgate.yaml: cannot open config file: No such file or directory");
}

TEST(SettingsLoaderTest, LoadsFromFile) {
  const std::string path = ::testing::TempDir() + "/settings_loader_test.yaml";
  std::ofstream(path) << "server:\n  listen: 127.0.0.1:8181\n";
  auto settings = loadSettings(path);
  ASSERT_TRUE(settings.hasValue()) << settings.status().toString();
  EXPECT_EQ(settings->server.port, 8181);
  EXPECT_EQ(settings->source, path);
}

}  // namespace
}  // namespace streamgate
