#include "config/settings_loader.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

namespace streamgate {
namespace {

// Auth defaults to jwt, which needs a key; most tests are about other keys.
constexpr std::string_view kAuthOff = "auth:\n  mode: none\n";

Settings parseOk(std::string_view text, const SettingsOverrides& overrides = {}) {
  auto settings = parseSettings(std::string(kAuthOff) + std::string(text), "test.yaml", overrides);
  EXPECT_TRUE(settings.hasValue()) << settings.status().toString();
  return settings.hasValue() ? std::move(settings).value() : Settings{};
}

std::string parseError(std::string_view text) {
  auto settings = parseSettings(std::string(kAuthOff) + std::string(text), "test.yaml");
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
  EXPECT_EQ(parseOk("server: {listen: ':7000'}\n").server.host, "0.0.0.0");
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

TEST(SettingsLoaderTest, AuthDefaultsToJwtAndNeedsAKey) {
  auto settings = parseSettings("", "test.yaml");
  ASSERT_FALSE(settings.hasValue());
  EXPECT_NE(settings.error().message().find("test.yaml: auth.jwt: mode jwt (the default) needs hs256_secret"),
            std::string::npos)
      << settings.error().message();
}

TEST(SettingsLoaderTest, ReadsServerLimitsAndGatewaySections) {
  const auto settings = parseOk(R"(
server:
  ws_path: /socket
  echo_path: /echo
  max_message_bytes: 16KiB
  handshake_timeout: 3s
  idle_timeout: 30s
  ping_interval: 10s
  max_send_queue_bytes: 256KiB
  drain_timeout: 4s
  http_threads: 4
sessions:
  ownership_ttl: 2h
  heartbeat_interval: 1s
  node_ttl: 5s
streams:
  lease_ttl: 6s
  janitor_interval: 2s
  stall_check: 3s
  read_batch: 100
limits:
  messages_per_second: 10
  message_burst: 20
  max_subscriptions: 8
  max_streams: 16
upstream:
  demo:
    chunks: 7
    interval_ms: 0
    chunk_bytes: 100
    max_chunks: 50
    max_interval_ms: 1000
ingest:
  api_keys: [0123456789abcdef]
)");
  const auto& server = settings.server;
  EXPECT_EQ(server.wsPath, "/socket");
  EXPECT_EQ(server.echoPath, "/echo");
  EXPECT_EQ(server.limits.maxMessageBytes, 16u * 1024);
  EXPECT_EQ(server.limits.handshakeTimeout, std::chrono::seconds(3));
  EXPECT_EQ(server.limits.idleTimeout, std::chrono::seconds(30));
  EXPECT_EQ(server.limits.pingInterval, std::chrono::seconds(10));
  EXPECT_EQ(server.limits.maxSendQueueBytes, 256u * 1024);
  EXPECT_EQ(server.drainTimeout, std::chrono::seconds(4));
  EXPECT_EQ(server.httpThreads, 4);
  const auto& gateway = settings.gateway;
  EXPECT_EQ(gateway.sessions.ownershipTtl, std::chrono::hours(2));
  EXPECT_EQ(gateway.sessions.heartbeatInterval, std::chrono::seconds(1));
  EXPECT_EQ(gateway.sessions.nodeTtl, std::chrono::seconds(5));
  EXPECT_EQ(gateway.streams.leaseTtl, std::chrono::seconds(6));
  EXPECT_EQ(gateway.streams.janitorInterval, std::chrono::seconds(2));
  EXPECT_EQ(gateway.streams.stallCheck, std::chrono::seconds(3));
  EXPECT_EQ(gateway.streams.readBatch, 100u);
  EXPECT_EQ(gateway.limits.messagesPerSecond, 10);
  EXPECT_EQ(gateway.limits.messageBurst, 20);
  EXPECT_EQ(gateway.limits.maxSubscriptions, 8u);
  EXPECT_EQ(gateway.limits.maxStreamsPerConnection, 16u);
  EXPECT_EQ(gateway.demo.chunks, 7);
  EXPECT_EQ(gateway.demo.interval, std::chrono::milliseconds(0));
  EXPECT_EQ(gateway.demo.chunkBytes, 100u);
  EXPECT_EQ(gateway.demo.maxChunks, 50);
  EXPECT_EQ(gateway.demo.maxInterval, std::chrono::seconds(1));
  EXPECT_EQ(gateway.ingest.apiKeys, std::vector<std::string>{"0123456789abcdef"});
}

TEST(SettingsLoaderTest, InconsistentLimitsAreNamed) {
  EXPECT_EQ(parseError("server: {ping_interval: 60s, idle_timeout: 30s}"),
            "test.yaml: server.ping_interval: must be shorter than idle_timeout");
  EXPECT_EQ(parseError("server: {max_message_bytes: 10}"),
            "test.yaml: server.max_message_bytes: must be between 125 and 64MiB");
  EXPECT_EQ(parseError("server: {echo_path: /ws}"), "test.yaml: server.echo_path: must differ from ws_path");
  EXPECT_EQ(parseError("server: {ws_path: 'ws'}"),
            "test.yaml: server.ws_path: expected a path like /ws, got \"ws\"");
  EXPECT_EQ(parseError("sessions: {heartbeat_interval: 5s, node_ttl: 6s}"),
            "test.yaml: sessions.node_ttl: must be at least twice heartbeat_interval");
  EXPECT_EQ(parseError("streams: {lease_ttl: 100ms}"),
            "test.yaml: streams.lease_ttl: must be at least 300ms");
  EXPECT_EQ(parseError("upstream: {demo: {chunks: 20, max_chunks: 10}}"),
            "test.yaml: upstream.demo.chunks: is above max_chunks");
  EXPECT_EQ(parseError("ingest: {api_keys: [short]}"),
            "test.yaml: ingest.api_keys[0]: must be at least 16 characters");
  EXPECT_EQ(parseError("upstream: {gpt: {}}"), "test.yaml: upstream.gpt: unknown key");
}

TEST(SettingsLoaderTest, MissingFileIsNamed) {
  auto settings = loadSettings("/nonexistent/streamgate.yaml");
  ASSERT_FALSE(settings.hasValue());
  EXPECT_EQ(settings.error().message(),
            "/nonexistent/streamgate.yaml: cannot open config file: No such file or directory");
}

TEST(SettingsLoaderTest, LoadsFromFile) {
  const std::string path = ::testing::TempDir() + "/settings_loader_test.yaml";
  std::ofstream(path) << "auth:\n  mode: none\nserver:\n  listen: 127.0.0.1:8181\n";
  auto settings = loadSettings(path);
  ASSERT_TRUE(settings.hasValue()) << settings.status().toString();
  EXPECT_EQ(settings->server.port, 8181);
  EXPECT_EQ(settings->source, path);
}

}  // namespace
}  // namespace streamgate
